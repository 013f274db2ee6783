using System.Text;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Hand-built files for the upload and source view tests.</summary>
public static class TestFiles
{
    /// <summary>A syntactically valid one-page PDF; with <paramref name="encrypted"/> its trailer names a Standard security handler whose password is unknown.</summary>
    public static byte[] Pdf(bool encrypted)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            Stream("BT /F1 12 Tf 72 720 Td (Confidential dosing table) Tj ET"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        if (encrypted)
            objects.Add($"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <{new string('a', 64)}> /U <{new string('b', 64)}> >>");

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        var encrypt = encrypted ? $" /Encrypt {objects.Count} 0 R /ID [<{new string('1', 32)}> <{new string('1', 32)}>]" : "";
        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    private static string Stream(string content) => $"<< /Length {content.Length} >>\nstream\n{content}\nendstream";

    /// <summary>The first bytes of a PDF followed by noise: what a truncated or damaged upload looks like.</summary>
    /// <summary>A zip holding <paramref name="entryName"/> as 5 MB of zeros: compressed far more than 100:1.</summary>
    public static byte[] ZipBomb(string entryName)
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry(entryName, System.IO.Compression.CompressionLevel.Optimal).Open())
        {
            entry.Write(new byte[5 * 1024 * 1024]);
        }

        return stream.ToArray();
    }

    public static byte[] CorruptPdf() => Encoding.Latin1.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + new string('\u00ff', 300));

    /// <summary>
    /// A two-page guideline set in Helvetica (PdfPig's writer): page 1 on fever in adults, page 2 on paracetamol dosing,
    /// whose sentence "The maximum daily dose of paracetamol for adults is 4 g …" runs over two lines.
    /// </summary>
    public static byte[] GuidelinePdf()
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        var first = builder.AddPage(595, 842);
        first.AddText("Fever in adults", 20, new UglyToad.PdfPig.Core.PdfPoint(60, 770), font);
        first.AddText("Measure the temperature twice, fifteen minutes apart, before treating a fever.", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 730), font);
        first.AddText("Offer fluids and rest; review after two days if the fever persists.", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 714), font);
        var second = builder.AddPage(595, 842);
        second.AddText("Paracetamol dosing", 20, new UglyToad.PdfPig.Core.PdfPoint(60, 770), font);
        second.AddText("Give paracetamol with water, with or without food.", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 730), font);
        second.AddText("The maximum daily dose of paracetamol for adults is 4 g, taken as 1 g", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 700), font);
        second.AddText("every four to six hours.", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 686), font);
        second.AddText("Reduce the dose for adults under 50 kg.", 11, new UglyToad.PdfPig.Core.PdfPoint(60, 656), font);
        return builder.Build();
    }
}
