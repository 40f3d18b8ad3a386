namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Configuration;

/// <summary>Secrets handed over by systemd's LoadCredential= fill unset settings; empty placeholders and explicit settings win.</summary>
public sealed class CredentialDefaultsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("es-cred-").FullName;

    private ConfigLoadResult Load(string? json, params (string Key, string Value)[] env) =>
        ConfigLoader.LoadText("test.json", json, [new(CredentialDefaults.Variable, _dir), .. env.Select(e => new KeyValuePair<string, string>(e.Key, e.Value))]);

    private string Put(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Non_empty_credentials_fill_the_unset_settings()
    {
        var kubeconfig = Put("kubeconfig", "apiVersion: v1\n");
        var password = Put("mqtt-password", "secret\n");
        var cert = Put("tls.crt", "-----BEGIN CERTIFICATE-----\n");
        var key = Put("tls.key", "-----BEGIN PRIVATE KEY-----\n");
        var r = Load(null);
        Assert.True(r.IsValid, string.Join("; ", r.Problems));
        Assert.Equal(kubeconfig, r.Config!.Kubernetes.Kubeconfig);
        Assert.Equal(password, r.Config.Mqtt.PasswordFile);
        Assert.Equal(cert, r.Config.MetricsApi.TlsCertFile);
        Assert.Equal(key, r.Config.MetricsApi.TlsKeyFile);
    }

    [Fact]
    public void Empty_placeholders_leave_the_settings_unconfigured()
    {
        Put("kubeconfig", "");
        Put("mqtt-password", "");
        Put("tls.crt", "");
        Put("tls.key", "");
        var r = Load("""{ "metricsApi": {} }""");
        Assert.True(r.IsValid, string.Join("; ", r.Problems));
        Assert.Equal("", r.Config!.Kubernetes.Kubeconfig);
        Assert.Null(r.Config.Mqtt.PasswordFile);
        Assert.Null(r.Config.MetricsApi.TlsCertFile);
    }

    [Fact]
    public void The_config_file_and_the_environment_win_over_credentials()
    {
        Put("kubeconfig", "apiVersion: v1\n");
        Put("tls.crt", "x");
        Put("tls.key", "y");
        var mine = Put("my-kubeconfig", "apiVersion: v1\n");
        var r = Load($$"""{ "Kubernetes": { "Kubeconfig": "{{mine}}" }, "metricsApi": { "tlsCertFile": "/etc/own.crt", "tlsKeyFile": "/etc/own.key" } }""");
        Assert.True(r.IsValid, string.Join("; ", r.Problems));
        Assert.Equal(mine, r.Config!.Kubernetes.Kubeconfig);
        Assert.Equal("/etc/own.crt", r.Config.MetricsApi.TlsCertFile);

        var fromEnv = Load(null, ("EDGESCALER__KUBERNETES__KUBECONFIG", mine));
        Assert.Equal(mine, fromEnv.Config!.Kubernetes.Kubeconfig);
    }

    [Fact]
    public void Half_a_certificate_pair_is_not_used_and_a_malformed_section_is_left_for_the_shape_check()
    {
        Put("tls.crt", "x");
        var r = Load(null);
        Assert.True(r.IsValid, string.Join("; ", r.Problems));
        Assert.Null(r.Config!.MetricsApi.TlsCertFile);

        Put("kubeconfig", "apiVersion: v1\n");
        var bad = Load("""{ "kubernetes": 1 }""");
        Assert.False(bad.IsValid);
        Assert.Contains(bad.Problems, p => p.ToString().Contains("$.kubernetes", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
