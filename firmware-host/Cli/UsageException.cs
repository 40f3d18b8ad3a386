namespace EdgeScaler.Host.Cli;

/// <summary>Thrown for bad flags or arguments; the dispatcher prints the message and the verb's usage and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);
