namespace EdgeScaler.MetricsApi.Selectors;

/// <summary>A label or field selector that does not parse; the message is what the client sees in the 400 Status.</summary>
public sealed class SelectorParseException(string message) : FormatException(message);
