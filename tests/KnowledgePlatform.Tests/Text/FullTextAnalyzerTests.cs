using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Text;

public sealed class FullTextAnalyzerTests
{
    [Fact]
    public void Chinese_text_is_cut_into_overlapping_character_bigrams()
    {
        Assert.Equal(["知识", "识库", "库支", "支持", "持中", "中文"], FullTextAnalyzer.Terms("知识库支持中文"));
    }

    [Fact]
    public void Chinese_punctuation_separates_runs_and_a_lone_character_stays_a_term()
    {
        Assert.Equal(["保修", "修期", "两年", "是"], FullTextAnalyzer.Terms("保修期：两年。是"));
    }

    [Fact]
    public void Latin_words_inside_chinese_text_become_their_own_stemmed_terms()
    {
        Assert.Equal(["如何", "何重", "重置", "router", "路由", "由器"], FullTextAnalyzer.Terms("如何重置Routers路由器"));
    }

    [Fact]
    public void Japanese_kana_and_korean_hangul_are_bigrammed_too()
    {
        Assert.Equal(["デー", "ータ"], FullTextAnalyzer.Terms("データ"));
        Assert.Equal(["보증", "증기", "기간"], FullTextAnalyzer.Terms("보증기간"));
    }

    [Fact]
    public void English_is_lower_cased_stemmed_and_stripped_of_diacritics()
    {
        Assert.Equal(["connect", "connect", "connect", "cafe", "e07"], FullTextAnalyzer.Terms("Connections, CONNECTED; connecting café E07"));
    }

    [Fact]
    public void Query_stop_words_count_half()
    {
        var terms = FullTextAnalyzer.QueryTerms("How is the warranty");

        Assert.Equal([("how", 0.5), ("is", 0.5), ("the", 0.5), ("warranti", 1.0)], terms);
    }

    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("agreed", "agre")]
    [InlineData("hopping", "hop")]
    [InlineData("filing", "file")]
    [InlineData("relational", "relat")]
    [InlineData("generalization", "gener")]
    [InlineData("hopefulness", "hope")]
    [InlineData("adjustable", "adjust")]
    [InlineData("controlling", "control")]
    [InlineData("sky", "sky")]
    [InlineData("e07", "e07")]
    public void The_porter_stemmer_matches_the_reference_implementation(string word, string stem)
    {
        Assert.Equal(stem, PorterStemmer.Stem(word));
        // The second time from the stems remembered.
        Assert.Equal(stem, PorterStemmer.Stem(word));
    }

    [Fact]
    public void Scripts_switching_inside_a_word_split_it_whichever_comes_first()
    {
        Assert.Equal(["abc", "知识", "识库", "def", "cafe", "12"], FullTextAnalyzer.Terms("ABC知识库def Café-12"));
    }
}

public sealed class Bm25SparseVectorTests
{
    [Fact]
    public void Document_values_times_idf_and_query_weights_give_the_bm25_score()
    {
        // "apple apple cherry": 3 terms, average length 2 (the worked example of the embedded index test).
        var document = Bm25SparseVector.Document("apple apple cherry", averageLength: 2);
        var query = Bm25SparseVector.Query("the apple");
        var idf = Math.Log(1.6);

        var score = query.Indices.Zip(query.Values).Sum(q =>
        {
            var i = Array.IndexOf(document.Indices, q.First);
            return i < 0 ? 0 : q.Second * document.Values[i] * idf;
        });

        Assert.Equal(0.579875, score, 6);
        Assert.Equal(document.Indices.Order(), document.Indices);
        Assert.Equal([0.5f, 1f], query.Indices.Select(i => i == Bm25SparseVector.TermIndex("the") ? 0.5f : 1f).Order());
    }
}
