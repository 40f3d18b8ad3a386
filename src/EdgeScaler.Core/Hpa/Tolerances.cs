namespace EdgeScaler.Core.Hpa;

/// <summary>
/// The band around ratio 1.0 in which no scaling happens: (1 - down) &lt;= r &lt;= (1 + up), in double, exactly the
/// expression form of upstream v1.33+ (so r = 1.1 with tolerance 0.1 is within, unlike the older |1 - r| form).
/// </summary>
public readonly record struct Tolerances(double ScaleDown, double ScaleUp)
{
    public bool IsWithin(double ratio) => (1.0 - ScaleDown) <= ratio && ratio <= (1.0 + ScaleUp);

    /// <summary>Per-HPA tolerances from behavior, falling back to the controller's for a direction that has none.</summary>
    public static Tolerances For(HpaBehavior? behavior, double controllerTolerance) =>
        new(behavior?.ScaleDown?.Tolerance ?? controllerTolerance, behavior?.ScaleUp?.Tolerance ?? controllerTolerance);
}
