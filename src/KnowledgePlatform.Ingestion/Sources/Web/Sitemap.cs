using System.Xml;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>The &lt;loc&gt; URLs of a sitemap (urlset) or a sitemap index (sitemapindex), read without DTDs or external entities.</summary>
public static class Sitemap
{
    public const int MaxBytes = 50 * 1024 * 1024;

    /// <summary>The page URLs and, for a sitemap index, the nested sitemaps' URLs.</summary>
    public static (IReadOnlyList<string> Pages, IReadOnlyList<string> Sitemaps) Read(Stream xml)
    {
        var pages = new List<string>();
        var sitemaps = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes, IgnoreComments = true };
        using var reader = XmlReader.Create(xml, settings);
        var inIndex = false;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "sitemapindex")
            {
                inIndex = true;
            }
            else if (reader.LocalName == "loc")
            {
                var location = reader.ReadElementContentAsString().Trim();
                if (location.Length > 0)
                {
                    (inIndex ? sitemaps : pages).Add(location);
                }
            }
        }

        return (pages, sitemaps);
    }
}
