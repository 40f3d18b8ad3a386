namespace EdgeScaler.Core.Units;

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

/// <summary>How a quantity prints: the suffix family it was written in (Kubernetes' resource.Format).</summary>
public enum QuantityFormat
{
    /// <summary>n, u, m, "", k, M, G, T, P, E.</summary>
    DecimalSI,
    /// <summary>Ki, Mi, Gi, Ti, Pi, Ei.</summary>
    BinarySI,
    /// <summary>e3, E-6, …</summary>
    DecimalExponent,
}

/// <summary>
/// A Kubernetes resource quantity ("250m", "128Mi", "1e3", "123456n") with upstream's semantics:
/// values are exact to the nanounit (smaller fractions round up, away from zero), capped at 2^63-1 units,
/// <see cref="MilliValue"/> and <see cref="Value"/> round up, and <see cref="ToString"/> prints the canonical form
/// (the suffix family is kept; binary values that are not whole multiples print in decimal).
/// Stored as a 128-bit count of nanounits, so it never allocates after parsing.
/// </summary>
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    private const long NanosPerUnit = 1_000_000_000;
    /// <summary>Upstream caps every quantity at the largest int64 number of whole units.</summary>
    private static readonly Int128 MaxNanos = (Int128)long.MaxValue * NanosPerUnit;

    /// <summary>The value in nanounits (1e-9).</summary>
    public Int128 Nanos { get; }

    public QuantityFormat Format { get; }

    private Quantity(Int128 nanos, QuantityFormat format)
    {
        if (nanos > MaxNanos) nanos = MaxNanos;
        else if (nanos < -MaxNanos) nanos = -MaxNanos;
        Nanos = nanos;
        Format = format;
    }

    public static readonly Quantity Zero = new(0, QuantityFormat.DecimalSI);

    public bool IsZero => Nanos == 0;

    public int Sign => Nanos.CompareTo(Int128.Zero);

    // ---- construction ------------------------------------------------------------------------------

    /// <summary>A whole number of units (e.g. bytes), like upstream's NewQuantity.</summary>
    public static Quantity FromValue(long value, QuantityFormat format = QuantityFormat.DecimalSI) => new((Int128)value * NanosPerUnit, format);

    /// <summary>Thousandths of a unit (e.g. millicores), like upstream's NewMilliQuantity.</summary>
    public static Quantity FromMilli(long milli, QuantityFormat format = QuantityFormat.DecimalSI) => new((Int128)milli * 1_000_000, format);

    /// <summary>Billionths of a unit (e.g. nanocores, as the metrics API reports CPU).</summary>
    public static Quantity FromNanos(long nanos, QuantityFormat format = QuantityFormat.DecimalSI) => new(nanos, format);

    /// <summary>CPU as metrics-server reports it: nanocores, decimal suffixes ("123456n", "250m", "2").</summary>
    public static Quantity CpuFromNanoCores(long nanoCores) => FromNanos(nanoCores);

    /// <summary>Memory as metrics-server reports it: bytes, binary suffixes ("128Mi", "4Ki"; "1500" when not a multiple of 1Ki).</summary>
    public static Quantity MemoryFromBytes(long bytes) => FromValue(bytes, QuantityFormat.BinarySI);

    // ---- value accessors -----------------------------------------------------------------------------

    /// <summary>ceil(q * 1000), rounding away from zero like upstream's ScaledValue(Milli); saturates at int64.</summary>
    public long MilliValue() => Scaled(1_000_000);

    /// <summary>ceil(q), rounding away from zero; saturates at int64.</summary>
    public long Value() => Scaled(NanosPerUnit);

    /// <summary>The value in nanounits as int64 (saturating).</summary>
    public long NanoValue() => Saturate(Nanos);

    public double ToDouble() => (double)Nanos / NanosPerUnit;

    private long Scaled(long divisor)
    {
        var q = Int128.DivRem(Nanos, divisor);
        var result = q.Quotient;
        if (q.Remainder > 0) result++;
        else if (q.Remainder < 0) result--;
        return Saturate(result);
    }

    private static long Saturate(Int128 v) => v > long.MaxValue ? long.MaxValue : v < long.MinValue ? long.MinValue : (long)v;

    // ---- parsing -------------------------------------------------------------------------------------

    public static Quantity Parse(string text)
    {
        if (!TryParse(text, out var q, out var error)) throw new FormatException($"quantity '{text}': {error}");
        return q;
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity) => TryParse(text, out quantity, out _);

    /// <summary>
    /// Parses upstream's grammar: an optional sign, digits with an optional fraction, then a suffix
    /// (binary Ki..Ei, decimal n..E, or an exponent e/E followed by a signed integer). No spaces.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity, [NotNullWhen(false)] out string? error)
    {
        quantity = default;
        error = null;
        if (string.IsNullOrEmpty(text)) { error = "empty quantity"; return false; }
        var s = text.AsSpan();
        var pos = 0;
        var negative = false;
        if (s[0] is '+' or '-') { negative = s[0] == '-'; pos++; }
        var intStart = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
        var intDigits = s[intStart..pos];
        ReadOnlySpan<char> fracDigits = default;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            var fracStart = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
            fracDigits = s[fracStart..pos];
        }
        if (intDigits.IsEmpty && fracDigits.IsEmpty) { error = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"; return false; }
        if (!TryParseSuffix(s[pos..], out var base2Exponent, out var base10Exponent, out var format))
        {
            error = $"unable to parse quantity's suffix '{s[pos..].ToString()}'";
            return false;
        }

        // value = digits * 10^(base10Exponent - fracLen) * 2^base2Exponent, exactly, then to nanounits rounded up.
        var mantissa = BigInteger.Parse(string.Concat(intDigits, fracDigits), NumberStyles.None, CultureInfo.InvariantCulture);
        mantissa *= BigInteger.Pow(2, base2Exponent);
        var tenPower = base10Exponent - fracDigits.Length + 9; // +9: to nanounits
        BigInteger nanos;
        if (tenPower >= 0)
        {
            // Anything this large is capped anyway: skip building absurd powers of ten.
            nanos = tenPower > 40 && !mantissa.IsZero ? (BigInteger)MaxNanos + 1 : mantissa * BigInteger.Pow(10, tenPower);
        }
        else
        {
            var divisor = BigInteger.Pow(10, -tenPower);
            nanos = BigInteger.DivRem(mantissa, divisor, out var remainder);
            if (!remainder.IsZero) nanos += 1; // upstream rounds sub-nano amounts up: asking for some means getting some
        }
        var capped = nanos > (BigInteger)MaxNanos ? MaxNanos : (Int128)nanos;
        if (negative) capped = -capped;
        // A binary quantity below one unit cannot print as binary; upstream switches it to decimal at parse time.
        if (format == QuantityFormat.BinarySI && capped > 0 && capped < NanosPerUnit) format = QuantityFormat.DecimalSI;
        quantity = new Quantity(capped, format);
        return true;
    }

    private static bool TryParseSuffix(ReadOnlySpan<char> suffix, out int base2Exponent, out int base10Exponent, out QuantityFormat format)
    {
        base2Exponent = 0;
        base10Exponent = 0;
        format = QuantityFormat.DecimalSI;
        switch (suffix)
        {
            case "": return true;
            case "Ki": base2Exponent = 10; format = QuantityFormat.BinarySI; return true;
            case "Mi": base2Exponent = 20; format = QuantityFormat.BinarySI; return true;
            case "Gi": base2Exponent = 30; format = QuantityFormat.BinarySI; return true;
            case "Ti": base2Exponent = 40; format = QuantityFormat.BinarySI; return true;
            case "Pi": base2Exponent = 50; format = QuantityFormat.BinarySI; return true;
            case "Ei": base2Exponent = 60; format = QuantityFormat.BinarySI; return true;
            case "n": base10Exponent = -9; return true;
            case "u": base10Exponent = -6; return true;
            case "m": base10Exponent = -3; return true;
            case "k": base10Exponent = 3; return true;
            case "M": base10Exponent = 6; return true;
            case "G": base10Exponent = 9; return true;
            case "T": base10Exponent = 12; return true;
            case "P": base10Exponent = 15; return true;
            case "E": base10Exponent = 18; return true;
        }
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E')
        {
            var digits = suffix[1..];
            var start = digits[0] is '+' or '-' ? 1 : 0;
            if (start == digits.Length) return false;
            foreach (var c in digits[start..]) if (!char.IsAsciiDigit(c)) return false;
            if (!int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp) || exp is > 1000 or < -1000) return false;
            base10Exponent = exp;
            format = QuantityFormat.DecimalExponent;
            return true;
        }
        return false;
    }

    // ---- canonical formatting ------------------------------------------------------------------------

    /// <summary>The canonical string upstream prints (and the API server stores).</summary>
    public override string ToString()
    {
        if (Nanos == 0) return "0";
        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            // Small or fractional binary values print in decimal rather than lose precision.
            var oneKi = (Int128)1024 * NanosPerUnit;
            if ((Nanos > -oneKi && Nanos < oneKi) || Nanos % NanosPerUnit != 0) format = QuantityFormat.DecimalSI;
        }
        if (format == QuantityFormat.BinarySI)
        {
            var units = Nanos / NanosPerUnit;
            var exp = 0;
            while (exp < 60 && units % 1024 == 0) { units /= 1024; exp += 10; }
            return units.ToString(CultureInfo.InvariantCulture) + BinarySuffix(exp);
        }

        // Decimal: move factors of ten into the exponent, then lower the exponent to a multiple of three.
        var mantissa = Nanos;
        var exponent = -9;
        while (mantissa % 10 == 0) { mantissa /= 10; exponent++; }
        while (exponent % 3 != 0) { mantissa *= 10; exponent--; }
        return mantissa.ToString(CultureInfo.InvariantCulture) + DecimalSuffix(exponent, format);
    }

    private static string BinarySuffix(int exp) => exp switch
    {
        0 => "", 10 => "Ki", 20 => "Mi", 30 => "Gi", 40 => "Ti", 50 => "Pi", _ => "Ei",
    };

    private static string DecimalSuffix(int exponent, QuantityFormat format)
    {
        if (exponent == 0) return "";
        if (format == QuantityFormat.DecimalSI)
        {
            switch (exponent)
            {
                case -9: return "n";
                case -6: return "u";
                case -3: return "m";
                case 3: return "k";
                case 6: return "M";
                case 9: return "G";
                case 12: return "T";
                case 15: return "P";
                case 18: return "E";
            }
        }
        return "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    // ---- equality (by value, like upstream's Cmp; format does not matter) --------------------------------

    public bool Equals(Quantity other) => Nanos == other.Nanos;
    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);
    public override int GetHashCode() => Nanos.GetHashCode();
    public int CompareTo(Quantity other) => Nanos.CompareTo(other.Nanos);
    public static bool operator ==(Quantity a, Quantity b) => a.Equals(b);
    public static bool operator !=(Quantity a, Quantity b) => !a.Equals(b);
    public static bool operator <(Quantity a, Quantity b) => a.Nanos < b.Nanos;
    public static bool operator >(Quantity a, Quantity b) => a.Nanos > b.Nanos;
    public static bool operator <=(Quantity a, Quantity b) => a.Nanos <= b.Nanos;
    public static bool operator >=(Quantity a, Quantity b) => a.Nanos >= b.Nanos;

    public static Quantity operator +(Quantity a, Quantity b) => new(a.Nanos + b.Nanos, a.Format);
    public static Quantity operator -(Quantity a, Quantity b) => new(a.Nanos - b.Nanos, a.Format);
}
