namespace EdgeScaler.Core.Configuration;

/// <summary>
/// One thing wrong with an options value, found by the options class itself (cross-field rules, ranges).
/// </summary>
/// <param name="Key">The offending key relative to the options object, camelCase as in the JSON file
/// (e.g. "hotCelsius" or "leds[2].pin").</param>
/// <param name="Got">The value as the user wrote it (formatted for display).</param>
/// <param name="Expected">What would be accepted, in words a user understands ("a port from 1 to 65535").</param>
public sealed record OptionProblem(string Key, string Got, string Expected);

/// <summary>
/// Implemented by an area's options class (`NodeOptions`, `MqttOptions`, ...) whose values need rules beyond
/// their JSON type. `edgescaler check-config` and `run` call it after binding and report every problem with
/// its full JSON path; returning nothing means valid.
/// </summary>
public interface IValidatedOptions
{
    IEnumerable<OptionProblem> Validate();
}
