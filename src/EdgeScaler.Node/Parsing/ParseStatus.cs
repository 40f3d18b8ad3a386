namespace EdgeScaler.Node.Parsing;

/// <summary>Why a value could not be taken from a file's text.</summary>
public enum ParseStatus
{
    Ok,
    /// <summary>The file was empty (or only whitespace).</summary>
    Empty,
    /// <summary>The key or line the value should be on is not there (a truncated file, an older kernel).</summary>
    Missing,
    /// <summary>Not a number where one belongs.</summary>
    NotANumber,
    /// <summary>A number too big for its type, or outside what the quantity can physically be.</summary>
    OutOfRange,
}

public static class ParseStatusText
{
    public static string Describe(this ParseStatus s) => s switch
    {
        ParseStatus.Empty => "empty",
        ParseStatus.Missing => "truncated or missing field",
        ParseStatus.NotANumber => "not a number",
        ParseStatus.OutOfRange => "value out of range",
        _ => "ok",
    };
}
