// KubeApiStandIn: the in-memory object store, resourceVersions, watch history and watchers.
// Objects are kept as JSON (JsonObject) keyed by group/resource/namespace/name; the version in the URL only
// changes the apiVersion printed (like the apiserver's storage version, minus conversion).
namespace EdgeScaler.TestKit;

using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;

public sealed partial class KubeApiStandIn
{
    private readonly object _storeLock = new();
    private readonly Dictionary<StoreKey, StoredObject> _objects = [];
    private readonly LinkedList<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private long _resourceVersion = 1000;
    private long _oldestResumableVersion = 1000;

    private readonly record struct StoreKey(string Group, string Resource, string Namespace, string Name);

    private sealed record StoredObject(KubeResourceType Type, JsonObject Object);

    private sealed record WatchEvent(long ResourceVersion, string Type, KubeResourceType ResourceType, string Namespace, JsonObject Object);

    private sealed class Watcher(string group, string resource, string? ns, Func<JsonObject, bool> filter)
    {
        public string Group { get; } = group;
        public string Resource { get; } = resource;
        public string? Namespace { get; } = ns;
        public Func<JsonObject, bool> Filter { get; } = filter;
        public Channel<WatchEvent> Events { get; } = Channel.CreateUnbounded<WatchEvent>();

        public bool Wants(WatchEvent e) =>
            e.ResourceType.Group == Group && e.ResourceType.Resource == Resource
            && (Namespace is null || Namespace == e.Namespace) && Filter(e.Object);
    }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long ResourceVersion { get { lock (_storeLock) return _resourceVersion; } }

    /// <summary>Puts an object into the store as if created (or replaced) through the API; returns the stored copy.
    /// <paramref name="apiVersion"/> like "apps/v1" or "v1"; namespace and name come from the object's metadata.</summary>
    public JsonObject Seed(string apiVersion, string resource, JsonObject obj)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        var metadata = obj["metadata"] as JsonObject ?? throw new ArgumentException("object has no metadata");
        var ns = metadata["namespace"]?.GetValue<string>() ?? "";
        var name = metadata["name"]?.GetValue<string>() ?? throw new ArgumentException("object has no metadata.name");
        var type = TypeOf(group, version, resource, ns.Length > 0);
        lock (_storeLock)
        {
            var key = new StoreKey(group, resource, ns, name);
            var copy = (JsonObject)obj.DeepClone();
            copy["apiVersion"] = type.ApiVersion;
            copy["kind"] = type.Kind;
            var existed = _objects.TryGetValue(key, out var old);
            FillCreateMetadata(copy, old?.Object);
            Commit(existed ? "MODIFIED" : "ADDED", key, type, copy);
            return (JsonObject)copy.DeepClone();
        }
    }

    /// <summary>Seeds a KubernetesClient model (V1Deployment, V2HorizontalPodAutoscaler, ...).</summary>
    public JsonObject Seed<T>(string resource, T model) where T : IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(model))!.AsObject();
        return Seed(model.ApiVersion ?? throw new ArgumentException("model has no apiVersion"), resource, node);
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Get(string apiVersion, string resource, string? ns, string name)
    {
        var (group, _) = SplitApiVersion(apiVersion);
        lock (_storeLock)
            return _objects.TryGetValue(new StoreKey(group, resource, ns ?? "", name), out var o) ? (JsonObject)o.Object.DeepClone() : null;
    }

    /// <summary>A stored object as a KubernetesClient model, or default.</summary>
    public T? Get<T>(string apiVersion, string resource, string? ns, string name)
    {
        var json = Get(apiVersion, resource, ns, name);
        return json is null ? default : KubernetesJson.Deserialize<T>(json.ToJsonString());
    }

    /// <summary>Copies of every stored object of a resource (optionally in one namespace).</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string resource, string? ns = null)
    {
        var (group, _) = SplitApiVersion(apiVersion);
        lock (_storeLock)
            return _objects.Where(kv => kv.Key.Group == group && kv.Key.Resource == resource && (ns is null || kv.Key.Namespace == ns))
                .Select(kv => (JsonObject)kv.Value.Object.DeepClone()).ToList();
    }

    /// <summary>Changes a stored object in place (as another client would): bumps resourceVersion, notifies watchers.</summary>
    public JsonObject Mutate(string apiVersion, string resource, string? ns, string name, Action<JsonObject> change)
    {
        var (group, _) = SplitApiVersion(apiVersion);
        lock (_storeLock)
        {
            var key = new StoreKey(group, resource, ns ?? "", name);
            if (!_objects.TryGetValue(key, out var stored)) throw new KeyNotFoundException($"{resource} {ns}/{name} not in the stand-in");
            var copy = (JsonObject)stored.Object.DeepClone();
            change(copy);
            Commit("MODIFIED", key, stored.Type, copy);
            return (JsonObject)copy.DeepClone();
        }
    }

    /// <summary>Deletes a stored object (watchers see DELETED). Returns false when it was not there.</summary>
    public bool Remove(string apiVersion, string resource, string? ns, string name)
    {
        var (group, _) = SplitApiVersion(apiVersion);
        lock (_storeLock)
        {
            var key = new StoreKey(group, resource, ns ?? "", name);
            if (!_objects.TryGetValue(key, out var stored)) return false;
            CommitDelete(key, stored);
            return true;
        }
    }

    /// <summary>Forgets the watch history so that resuming from any earlier resourceVersion gets 410 Expired.</summary>
    public void ExpireWatchHistory()
    {
        lock (_storeLock)
        {
            _history.Clear();
            _oldestResumableVersion = _resourceVersion;
        }
    }

    /// <summary>Number of open watch streams (for tests that wait for a client to connect).</summary>
    public int OpenWatchCount { get { lock (_storeLock) return _watchers.Count; } }

    private static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private static void FillCreateMetadata(JsonObject obj, JsonObject? previous)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        var prevMeta = previous?["metadata"] as JsonObject;
        metadata["uid"] = prevMeta?["uid"]?.DeepClone() ?? metadata["uid"]?.DeepClone() ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = prevMeta?["creationTimestamp"]?.DeepClone()
            ?? metadata["creationTimestamp"]?.DeepClone() ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        metadata["generation"] ??= 1;
        if (metadata["namespace"] is JsonValue nsValue && nsValue.GetValue<string>().Length == 0) metadata.Remove("namespace");
    }

    /// <summary>Stores <paramref name="obj"/> with a fresh resourceVersion and fans the event out. Caller holds the lock.</summary>
    private void Commit(string eventType, StoreKey key, KubeResourceType type, JsonObject obj)
    {
        var rv = ++_resourceVersion;
        ((JsonObject)obj["metadata"]!)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (type.HasScale && _options.MirrorReplicasToStatus) MirrorReplicas(obj);
        _objects[key] = new StoredObject(type, obj);
        Publish(new WatchEvent(rv, eventType, type, key.Namespace, (JsonObject)obj.DeepClone()));
    }

    private void CommitDelete(StoreKey key, StoredObject stored)
    {
        _objects.Remove(key);
        var rv = ++_resourceVersion;
        var snapshot = (JsonObject)stored.Object.DeepClone();
        ((JsonObject)snapshot["metadata"]!)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Publish(new WatchEvent(rv, "DELETED", stored.Type, key.Namespace, snapshot));
    }

    private void Publish(WatchEvent e)
    {
        _history.AddLast(e);
        while (_history.Count > _options.WatchHistoryLimit)
        {
            _oldestResumableVersion = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }
        foreach (var w in _watchers)
            if (w.Wants(e)) w.Events.Writer.TryWrite(e);
    }

    private static void MirrorReplicas(JsonObject obj)
    {
        if (obj["spec"]?["replicas"] is not JsonValue replicas) return;
        var status = obj["status"] as JsonObject;
        if (status is null) { status = []; obj["status"] = status; }
        status["replicas"] = AsLong(replicas);
    }

    /// <summary>Registers a watcher and returns the events it must replay first (the state or the history since a version).
    /// Returns null when <paramref name="sinceVersion"/> is older than the retained history (410 Expired).</summary>
    private (Watcher Watcher, List<WatchEvent> Replay)? Subscribe(KubeResourceType type, string? ns, Func<JsonObject, bool> filter, long? sinceVersion)
    {
        lock (_storeLock)
        {
            var replay = new List<WatchEvent>();
            if (sinceVersion is null or 0)
            {
                foreach (var (key, stored) in _objects)
                    if (key.Group == type.Group && key.Resource == type.Resource && (ns is null || key.Namespace == ns) && filter(stored.Object))
                        replay.Add(new WatchEvent(long.Parse(stored.Object["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                            "ADDED", stored.Type, key.Namespace, (JsonObject)stored.Object.DeepClone()));
                replay.Sort((a, b) => a.ResourceVersion.CompareTo(b.ResourceVersion));
            }
            else
            {
                if (sinceVersion < _oldestResumableVersion) return null;
                foreach (var e in _history)
                    if (e.ResourceVersion > sinceVersion && e.ResourceType.Group == type.Group && e.ResourceType.Resource == type.Resource
                        && (ns is null || e.Namespace == ns) && filter(e.Object))
                        replay.Add(e);
            }
            var watcher = new Watcher(type.Group, type.Resource, ns, filter);
            _watchers.Add(watcher);
            return (watcher, replay);
        }
    }

    private void Unsubscribe(Watcher watcher)
    {
        lock (_storeLock) _watchers.Remove(watcher);
        watcher.Events.Writer.TryComplete();
    }
}
