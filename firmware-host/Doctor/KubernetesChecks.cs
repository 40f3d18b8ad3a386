namespace EdgeScaler.Host.Doctor;

using System.Text.Json.Nodes;
using EdgeScaler.Kubernetes;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Scaler;
using k8s.Models;

/// <summary>
/// The cluster side of `doctor`, through the agent's own API client and config: the API answers, the identity of the
/// kubeconfig may do everything EdgeScaler does (SelfSubjectAccessReview), our APIService owns metrics.k8s.io and is
/// Available, and the built-in HPA controller is off. Every check is bounded by <see cref="Timeout"/>; when the API
/// does not answer, the checks that need it say so instead of each waiting in turn.
/// </summary>
public static class KubernetesChecks
{
    /// <summary>The most one check may take (the API's own request timeout applies inside it too).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The Service our APIServices point at (deploy/k3s/service.yaml).</summary>
    public const string MetricsServiceNamespace = "kube-system";
    public const string MetricsServiceName = "edgescaler";

    /// <summary>How recent a status write by kube-controller-manager must be to count as "still running".</summary>
    public static readonly TimeSpan RecentWrite = TimeSpan.FromMinutes(10);

    /// <summary>Field managers the built-in HPA controller writes status as: kube-controller-manager, or k3s when embedded.</summary>
    public static readonly IReadOnlyList<string> BuiltInHpaManagers = ["kube-controller-manager", "k3s"];

    private const string ManifestFix =
        "apply the RBAC manifests: kubectl apply -f deploy/k3s/serviceaccount.yaml -f deploy/k3s/clusterrole.yaml -f deploy/k3s/clusterrolebinding.yaml " +
        "-f deploy/k3s/role-leases.yaml -f deploy/k3s/rolebinding-leases.yaml -f deploy/k3s/rolebinding-auth-reader.yaml -f deploy/k3s/clusterrolebinding-auth-delegator.yaml " +
        "(doctor asks for the identity in its kubeconfig: run it with the agent's)";

    private const string DisableMetricsServerFix =
        "add `disable: [metrics-server]` to /etc/rancher/k3s/config.yaml on every server (deploy/k3s/k3s-config.yaml), restart k3s, then kubectl apply -f deploy/k3s/apiservice-v1beta1.yaml";

    private const string HpaControllerFix =
        "turn the built-in HPA controller off: add `kube-controller-manager-arg: [\"controllers=*,-horizontalpodautoscaling\"]` to /etc/rancher/k3s/config.yaml on every server " +
        "(deploy/k3s/k3s-config.yaml) and restart k3s (same as --kube-controller-manager-arg=controllers=*,-horizontalpodautoscaling)";

    private static readonly string[] DependentChecks = ["rbac", "apiservice", "hpa-controller"];

    /// <summary>The checks with the API client the agent would build from <paramref name="kubernetes"/>.</summary>
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(KubernetesOptions kubernetes, ScalerOptions scaler, DateTimeOffset now, CancellationToken ct)
    {
        KubeRest rest;
        string source;
        try
        {
            rest = KubeClientFactory.CreateRest(kubernetes, out source);
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or k8s.Exceptions.KubeConfigException)
        {
            var first = kubernetes.Kubeconfig.Length == 0
                ? DoctorCheck.Warn("kubernetes", $"no Kubernetes API configured ({e.Message}): the scaler stays idle and overrides are refused",
                    "set kubernetes.kubeconfig in the config (systemd: the kubeconfig passed with LoadCredential=), or run the agent as the k3s DaemonSet")
                : DoctorCheck.Fail("kubernetes", $"cannot use kubeconfig {kubernetes.Kubeconfig}: {e.Message}",
                    "point kubernetes.kubeconfig at a readable kubeconfig (on a k3s server: /etc/rancher/k3s/k3s.yaml)");
            return [first, .. Skipped("no Kubernetes API client")];
        }
        using (rest)
            return await RunAsync(rest, source, kubernetes, scaler, now, Timeout, ct).ConfigureAwait(false);
    }

    /// <summary>The checks against an API client (tests hand in one for the stand-in).</summary>
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(KubeRest rest, string source, KubernetesOptions kubernetes, ScalerOptions scaler,
        DateTimeOffset now, TimeSpan timeout, CancellationToken ct)
    {
        var api = await BoundedAsync("kubernetes", timeout, t => ApiAsync(rest, source, t), ct).ConfigureAwait(false);
        if (api.Status == CheckStatus.Fail) return [api, .. Skipped("the Kubernetes API did not answer")];
        return
        [
            api,
            await BoundedAsync("rbac", timeout, t => RbacAsync(rest, source, kubernetes, scaler, t), ct).ConfigureAwait(false),
            await BoundedAsync("apiservice", timeout, t => ApiServiceAsync(rest, t), ct).ConfigureAwait(false),
            await BoundedAsync("hpa-controller", timeout, t => HpaControllerAsync(rest, kubernetes, now, t), ct).ConfigureAwait(false),
        ];
    }

    private static IEnumerable<DoctorCheck> Skipped(string why) =>
        DependentChecks.Select(name => DoctorCheck.Warn(name, $"not checked: {why}", "fix the kubernetes check first"));

    /// <summary>Runs one check within <paramref name="timeout"/>; no answer or an unreachable API is that check's failure.</summary>
    private static async Task<DoctorCheck> BoundedAsync(string name, TimeSpan timeout, Func<CancellationToken, Task<DoctorCheck>> check, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(timeout);
        try
        {
            return await check(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DoctorCheck.Fail(name, $"the Kubernetes API gave no answer within {(timeout < TimeSpan.FromSeconds(1) ? $"{timeout.TotalMilliseconds:0}ms" : $"{timeout.TotalSeconds:0}s")}", "check the API server is up and reachable from this node (k3s: `systemctl status k3s`)");
        }
        catch (KubeUnreachableException e)
        {
            return DoctorCheck.Fail(name, $"the Kubernetes API is unreachable: {e.Message}", "check the server address in the kubeconfig and that k3s is running (`systemctl status k3s`)");
        }
    }

    private static async Task<DoctorCheck> ApiAsync(KubeRest rest, string source, CancellationToken ct)
    {
        try
        {
            var version = await rest.GetJsonAsync("version", ct).ConfigureAwait(false);
            var git = version?["gitVersion"]?.GetValue<string>() ?? "unknown version";
            return DoctorCheck.Pass("kubernetes", $"{rest.BaseUri.ToString().TrimEnd('/')} answers ({git}; credentials from {source})");
        }
        catch (KubeApiException e)
        {
            var what = (int)e.Status == 401 ? "rejected the credentials (401 Unauthorized)" : $"refused /version: {(int)e.Status} {e.Reason}: {e.ApiMessage}";
            return DoctorCheck.Fail("kubernetes", $"{rest.BaseUri.ToString().TrimEnd('/')} {what}",
                $"renew the token or client certificate in {source} (k3s: copy /etc/rancher/k3s/k3s.yaml again, or recreate the agent's ServiceAccount token)");
        }
    }

    /// <summary>One thing EdgeScaler does on the API, as a SelfSubjectAccessReview asks it.</summary>
    public sealed record Permission(string Verb, string Group, string Resource, string? Subresource = null, string? Namespace = null, string? Name = null)
    {
        public override string ToString() =>
            $"{Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)}{(Group.Length > 0 ? $" ({Group})" : "")}" +
            (Name is not null ? $" {Namespace}/{Name}" : Namespace is not null ? $" in {Namespace}" : "");
    }

    /// <summary>
    /// Everything the agent does on the API: the HPA controller (pods and HPAs by list+watch, /scale get+patch, status,
    /// events, override annotations), leader election and its history ConfigMap, the metrics API (pods, its node,
    /// delegated authentication and authorization, the front-proxy CA ConfigMap).
    /// </summary>
    public static IReadOnlyList<Permission> Required(KubernetesOptions kubernetes, ScalerOptions scaler)
    {
        var list = new List<Permission>();
        var namespaces = kubernetes.Namespaces.Count == 0 ? [null] : kubernetes.Namespaces.Cast<string?>().ToList();
        foreach (var ns in namespaces)
        {
            list.Add(new("list", "", "pods", Namespace: ns));
            list.Add(new("watch", "", "pods", Namespace: ns));
            list.Add(new("list", "autoscaling", "horizontalpodautoscalers", Namespace: ns));
            list.Add(new("watch", "autoscaling", "horizontalpodautoscalers", Namespace: ns));
            list.Add(new("patch", "autoscaling", "horizontalpodautoscalers", Namespace: ns));
            list.Add(new("update", "autoscaling", "horizontalpodautoscalers", "status", ns));
            foreach (var workload in new[] { "deployments", "statefulsets", "replicasets" })
            {
                list.Add(new("get", "apps", workload, "scale", ns));
                list.Add(new("patch", "apps", workload, "scale", ns));
            }
            list.Add(new("create", "", "events", Namespace: ns));
            list.Add(new("patch", "", "events", Namespace: ns));
        }
        // Cluster-wide pods for the metrics API (every node's pods), whatever namespaces the scaler watches.
        if (kubernetes.Namespaces.Count > 0) { list.Add(new("list", "", "pods")); list.Add(new("watch", "", "pods")); }
        list.Add(new("get", "", "nodes"));
        var le = scaler.LeaderElection;
        list.Add(new("get", "coordination.k8s.io", "leases", Namespace: le.LeaseNamespace, Name: le.LeaseName));
        list.Add(new("create", "coordination.k8s.io", "leases", Namespace: le.LeaseNamespace));
        list.Add(new("update", "coordination.k8s.io", "leases", Namespace: le.LeaseNamespace, Name: le.LeaseName));
        list.Add(new("get", "", "configmaps", Namespace: le.LeaseNamespace, Name: scaler.HistoryConfigMap));
        list.Add(new("create", "", "configmaps", Namespace: le.LeaseNamespace));
        list.Add(new("update", "", "configmaps", Namespace: le.LeaseNamespace, Name: scaler.HistoryConfigMap));
        list.Add(new("create", "authentication.k8s.io", "tokenreviews"));
        list.Add(new("create", "authorization.k8s.io", "subjectaccessreviews"));
        list.Add(new("get", "", "configmaps", Namespace: "kube-system", Name: "extension-apiserver-authentication"));
        return list;
    }

    private static async Task<DoctorCheck> RbacAsync(KubeRest rest, string source, KubernetesOptions kubernetes, ScalerOptions scaler, CancellationToken ct)
    {
        var required = Required(kubernetes, scaler);
        bool[] allowed;
        try
        {
            allowed = await Task.WhenAll(required.Select(p => AllowedAsync(rest, p, ct))).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            return DoctorCheck.Warn("rbac", $"could not ask the API server what these credentials may do: {(int)e.Status} {e.Reason}: {e.ApiMessage}",
                "SelfSubjectAccessReview is open to every authenticated user by default; check the API server's authorization mode");
        }
        var missing = required.Where((_, i) => !allowed[i]).ToList();
        if (missing.Count == 0)
            return DoctorCheck.Pass("rbac", $"the identity in {source} may do all {required.Count} things EdgeScaler does on the API");
        return DoctorCheck.Fail("rbac", $"the identity in {source} may not: {string.Join(", ", missing)}", ManifestFix);
    }

    private static async Task<bool> AllowedAsync(KubeRest rest, Permission p, CancellationToken ct)
    {
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = p.Verb,
                    Group = p.Group,
                    Resource = p.Resource,
                    Subresource = p.Subresource,
                    NamespaceProperty = p.Namespace,
                    Name = p.Name,
                },
            },
        };
        var answer = await rest.CreateAsync("apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, ct).ConfigureAwait(false);
        return answer.Status?.Allowed == true;
    }

    private static async Task<DoctorCheck> ApiServiceAsync(KubeRest rest, CancellationToken ct)
    {
        JsonNode? list;
        try
        {
            list = await rest.GetJsonAsync("apis/apiregistration.k8s.io/v1/apiservices", ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when ((int)e.Status == 403)
        {
            return DoctorCheck.Warn("apiservice", "these credentials may not read APIServices (403), so the metrics.k8s.io registration is unchecked",
                "run doctor once with an admin kubeconfig: kubernetes.kubeconfig=/etc/rancher/k3s/k3s.yaml (as root on a k3s server)");
        }
        var ours = $"{MetricsServiceNamespace}/{MetricsServiceName}";
        var metrics = (list?["items"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(a => a["spec"]?["group"]?.GetValue<string>() == "metrics.k8s.io")
            .Select(a => (Name: a["metadata"]?["name"]?.GetValue<string>() ?? "?", Service: ServiceOf(a), Available: Available(a)))
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToList();

        var foreign = metrics.Where(a => a.Service != ours).ToList();
        if (foreign.Count > 0)
        {
            var bundled = foreign.Any(a => a.Service.Contains("metrics-server", StringComparison.Ordinal));
            var what = string.Join("; ", foreign.Select(a => $"{a.Name} is served by {a.Service}"));
            return DoctorCheck.Fail("apiservice", $"another server owns metrics.k8s.io: {what}{(bundled ? " (k3s's bundled metrics-server)" : "")}, not EdgeScaler's {ours}",
                bundled ? DisableMetricsServerFix : $"point it at {ours}: kubectl apply -f deploy/k3s/apiservice-v1beta1.yaml (and apiservice-v1.yaml on 1.37+)");
        }
        if (metrics.All(a => a.Name != "v1beta1.metrics.k8s.io"))
            return DoctorCheck.Fail("apiservice", "no APIService v1beta1.metrics.k8s.io: `kubectl top` and every HPA's cpu/memory metrics fail",
                "kubectl apply -f deploy/k3s/apiservice-v1beta1.yaml (after deploy/k3s/gen-serving-cert.sh)");
        var unavailable = metrics.Where(a => a.Available.Status != "True").ToList();
        if (unavailable.Count > 0)
            return DoctorCheck.Fail("apiservice", string.Join("; ", unavailable.Select(a => $"{a.Name} → {ours} is not Available: {a.Available.Reason ?? "no Available condition yet"}{(a.Available.Message is { } m ? $" ({m})" : "")}")),
                "check the edgescaler pods are Ready (`kubectl -n kube-system get pods -l app.kubernetes.io/name=edgescaler`), the Service's endpoints, and that the caBundle matches the serving certificate (deploy/k3s/gen-serving-cert.sh)");
        var v1 = metrics.Any(a => a.Name == "v1.metrics.k8s.io") ? " and v1.metrics.k8s.io" : " (v1.metrics.k8s.io not registered: only Kubernetes 1.37+ has it)";
        return DoctorCheck.Pass("apiservice", $"v1beta1.metrics.k8s.io{v1} → {ours}, Available");
    }

    private static string ServiceOf(JsonObject apiService) =>
        apiService["spec"]?["service"] is JsonObject s
            ? $"{s["namespace"]?.GetValue<string>()}/{s["name"]?.GetValue<string>()}"
            : "the API server itself (Local)";

    private static (string? Status, string? Reason, string? Message) Available(JsonObject apiService)
    {
        foreach (var c in (apiService["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            if (c["type"]?.GetValue<string>() == "Available")
                return (c["status"]?.GetValue<string>(), c["reason"]?.GetValue<string>(), c["message"]?.GetValue<string>());
        return (null, null, null);
    }

    /// <summary>
    /// The built-in HPA controller leaves two traces: HPA status written by its field manager (kube-controller-manager,
    /// or k3s when embedded) and, while both run, our ScaleFightDetector's ConflictingScaleWriter events. A recent trace
    /// fails; an old status write that nobody has written over since warns (EdgeScaler has not reconciled that HPA yet).
    /// </summary>
    private static async Task<DoctorCheck> HpaControllerAsync(KubeRest rest, KubernetesOptions kubernetes, DateTimeOffset now, CancellationToken ct)
    {
        var namespaces = kubernetes.Namespaces.Count == 0 ? [null] : kubernetes.Namespaces.Cast<string?>().ToList();
        var recent = new List<string>();
        var stale = new List<string>();
        var hpaCount = 0;
        try
        {
            foreach (var ns in namespaces)
            {
                var hpas = await rest.GetAsync<V2HorizontalPodAutoscalerList>(KubePaths.Hpas(ns), ct).ConfigureAwait(false);
                foreach (var hpa in hpas.Items ?? [])
                {
                    hpaCount++;
                    var statusWrites = (hpa.Metadata.ManagedFields ?? []).Where(f => f.Subresource == "status" && f.Time is not null).ToList();
                    var builtIn = statusWrites.Where(f => BuiltInHpaManagers.Contains(f.Manager)).MaxBy(f => f.Time);
                    if (builtIn is null) continue;
                    var at = new DateTimeOffset(DateTime.SpecifyKind(builtIn.Time!.Value, DateTimeKind.Utc));
                    var name = $"{hpa.Metadata.NamespaceProperty}/{hpa.Metadata.Name}";
                    if (now - at < RecentWrite) recent.Add($"{builtIn.Manager} wrote the status of {name} {Ago(now - at)} ago");
                    else if (statusWrites.All(f => f == builtIn || f.Time < builtIn.Time)) stale.Add($"{name} (last by {builtIn.Manager} at {at:u})");
                }
                foreach (var ev in await FightEventsAsync(rest, ns, ct).ConfigureAwait(false))
                {
                    var at = ev.LastTimestamp ?? ev.EventTime ?? ev.FirstTimestamp;
                    if (at is { } t && now - new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) < RecentWrite)
                        recent.Add($"EdgeScaler saw another writer on {ev.InvolvedObject?.NamespaceProperty}/{ev.InvolvedObject?.Name}: {ev.Message}");
                }
            }
        }
        catch (KubeApiException e) when ((int)e.Status == 403)
        {
            return DoctorCheck.Warn("hpa-controller", "these credentials may not list HPAs or events (403), so the built-in HPA controller is unchecked", ManifestFix);
        }
        if (recent.Count > 0)
            return DoctorCheck.Fail("hpa-controller", $"the built-in HPA controller is still running: {string.Join("; ", recent.Take(3))}{(recent.Count > 3 ? $" (and {recent.Count - 3} more)" : "")}", HpaControllerFix);
        if (stale.Count > 0)
            return DoctorCheck.Warn("hpa-controller", $"not reconciled by EdgeScaler since the built-in controller last did: {string.Join(", ", stale.Take(5))}",
                "check the agent runs with scaler.enabled and one agent holds the lease (`kubectl -n kube-system get lease edgescaler-scaler`)");
        return DoctorCheck.Pass("hpa-controller", hpaCount == 0 ? "no HPAs yet; no trace of the built-in HPA controller" : $"no status writes by the built-in HPA controller in {hpaCount} HPA(s)");
    }

    private static async Task<IList<Corev1Event>> FightEventsAsync(KubeRest rest, string? ns, CancellationToken ct)
    {
        var path = KubePaths.Collection("v1", "events", ns) + "?fieldSelector=" + Uri.EscapeDataString("reason=ConflictingScaleWriter");
        return (await rest.GetAsync<Corev1EventList>(path, ct).ConfigureAwait(false)).Items ?? [];
    }

    private static string Ago(TimeSpan t) => t.TotalSeconds < 120 ? $"{Math.Max(0, t.TotalSeconds):0}s" : $"{t.TotalMinutes:0}m";
}
