namespace EdgeScaler.MetricsApi.Tests;

using EdgeScaler.MetricsApi.Selectors;

public class FieldSelectorTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("metadata.name=web-a", true)]
    [InlineData("metadata.name==web-a", true)]
    [InlineData("metadata.name=web-b", false)]
    [InlineData("metadata.name!=web-b", true)]
    [InlineData("metadata.namespace=shop", true)]
    [InlineData("metadata.namespace=shop,metadata.name=web-a", true)]
    [InlineData("metadata.namespace!=shop", false)]
    [InlineData("spec.nodeName=edge-1", false)] // unknown field: matches nothing, not an error
    public void MatchesMetadataFields(string selector, bool expected) =>
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches("web-a", "shop"));

    [Fact]
    public void ClusterScopedObjectsHaveEmptyNamespace()
    {
        Assert.True(FieldSelector.Parse("metadata.namespace=").Matches("edge-1", null));
        Assert.False(FieldSelector.Parse("metadata.namespace=x").Matches("edge-1", null));
    }

    [Fact]
    public void BackslashEscapesSeparators() =>
        Assert.True(FieldSelector.Parse(@"metadata.name=a\,b\=c\\d").Matches(@"a,b=c\d", "ns"));

    [Theory]
    [InlineData("metadata.name")]
    [InlineData("=x")]
    [InlineData("metadata.name=x,junk")]
    [InlineData("metadata.name===x")]       // a bare '=' in the value
    [InlineData(@"metadata.name=a\qb")]     // only \\, \, and \= are escapes
    [InlineData(@"metadata.name=a\")]       // trailing backslash
    public void MalformedFieldSelectorsThrow(string selector) =>
        Assert.Throws<SelectorParseException>(() => FieldSelector.Parse(selector));
}
