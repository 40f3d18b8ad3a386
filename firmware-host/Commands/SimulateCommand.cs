namespace EdgeScaler.Host.Commands;

using System.Globalization;
using System.Runtime.InteropServices;
using EdgeScaler.Host.Cli;
using EdgeScaler.Simulation;
using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Services;

/// <summary>`edgescaler simulate`: a digital twin of a board cluster driving the real Scaler, metrics API, MQTT and panel.</summary>
public static class SimulateCommand
{
    public static readonly Verb Verb = new("simulate", "Run a simulated ARM cluster (thermal model + workloads) against the real Scaler",
        """
        Usage: edgescaler simulate [--scenario FILE|NAME] [--duration 2h] [--speed 60|max] [--out DIR]
                                   [--seed N] [--policy hold|shed|ignore]
                                   [--metrics-address 127.0.0.1:PORT] [--mqtt mqtt://host:port | --no-mqtt]
                                   [--hold-open] [--no-compare] [--list-scenarios]

        Simulates a cluster of boards (thermal model, firmware throttling, pods, a workload's demand)
        and drives the real EdgeScaler parts with it: the HPA algorithm and thermal policy, the
        metrics.k8s.io API, MQTT telemetry and the virtual panel. With no options it runs the built-in
        default scenario: four bare Raspberry Pi 4 boards, a load spike on a heatwave afternoon.

        Results in --out: timeline.csv (one row per simulated second, with the panel's LED patterns),
        timeline.svg (temperatures with limits, replicas, demand vs served) and summary.md (the same run
        under ignore, hold and shed).

        While it runs: the metrics API on loopback HTTPS, MQTT telemetry (node state, HPA state, scale
        events, availability under edgescaler/sim/; commands on edgescaler/sim/scaler/<ns>/<hpa>/set pin
        replicas in the simulation) and the virtual panel, whose LEDs the live view shows. On a terminal,
        keys press its buttons: u/+ up, d/- down, a auto, A hold auto, s select.

        Options:
          --scenario FILE|NAME   A scenario file (format: boards/scenarios/README.md) or a built-in name.
          --list-scenarios       List the built-in scenarios and exit.
          --duration D           Simulated time to run, e.g. 30m, 2h (default: the scenario's).
          --speed N|max          Simulated seconds per wall second (default: 60 on a terminal, max otherwise).
          --out DIR              Where to write results (default: ./sim-out).
          --seed N               Random seed (default: the scenario's); same seed, same timeline.
          --policy P             Force one thermal policy on every workload for the main run:
                                 hold (block scale-up on hot nodes), shed (also scale down), ignore (plain HPA).
          --metrics-address A    Serve the metrics API on this loopback address (default: 127.0.0.1, free port).
                                 Try: kubectl --server https://A --insecure-skip-tls-verify --token=sim \
                                        get --raw /apis/metrics.k8s.io/v1beta1/pods
                                 (any token works; without one kubectl prompts for a username)
          --mqtt URL             Publish telemetry to this broker (mqtt://host:port) instead of starting the
                                 embedded one on a free loopback port (its address is printed at start).
          --no-mqtt              No MQTT telemetry and no broker port at all.
          --hold-open            Keep the metrics API and MQTT running after the run until Ctrl+C
                                 (or SIGTERM).
          --no-compare           Skip the ignore/hold/shed comparison runs.

        Exit status: 0 done, 1 interrupted, 2 bad options or scenario.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["scenario", "duration", "speed", "out", "seed", "policy", "metrics-address", "mqtt"], ["hold-open", "no-compare", "list-scenarios", "no-mqtt"]);
        args.ExpectPositionals(0, 0);
        if (args.Has("list-scenarios"))
        {
            foreach (var name in ScenarioLibrary.Names)
                ctx.Out.WriteLine($"{name}{(name == ScenarioLibrary.DefaultName ? " (default)" : "")}");
            return ExitCodes.Ok;
        }
        var interactive = ReferenceEquals(ctx.Out, Console.Out) && !Console.IsOutputRedirected;
        var options = Bind(args, interactive);

        using var cancel = new CancellationTokenSource();
        // Ctrl+C and SIGTERM (a supervisor, `kill`) both stop cleanly: results written, MQTT nodes say offline.
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        try
        {
            var host = new SimulationHost(options, RealParts.Create(), ctx.Out, ctx.Error, interactive) { Keys = interactive ? ConsoleKeys.IfTerminal() : null };
            return await host.RunAsync(cancel.Token);
        }
        finally { Console.CancelKeyPress -= onCancel; }
    }

    internal static SimulationOptions Bind(Args args, bool interactive)
    {
        var o = new SimulationOptions { Scenario = args.Get("scenario"), OutDir = args.GetOr("out", "sim-out"), HoldOpen = args.Has("hold-open"), NoCompare = args.Has("no-compare"), NoMqtt = args.Has("no-mqtt") };
        if (args.Get("duration") is { } d)
        {
            if (!SimDuration.TryParse(d, out var t) || t <= TimeSpan.Zero) throw new UsageException($"--duration: expected a duration like 30m or 2h, got '{d}'");
            o.Duration = t;
        }
        var speed = args.Get("speed") ?? (interactive ? "60" : "max");
        if (speed != "max")
        {
            if (!double.TryParse(speed, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !(s > 0) || double.IsInfinity(s))
                throw new UsageException($"--speed: expected a positive number or 'max', got '{speed}'");
            o.Speed = s;
        }
        if (args.Get("seed") is { } seed)
        {
            if (!ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) throw new UsageException($"--seed: expected a non-negative whole number, got '{seed}'");
            o.Seed = n;
        }
        if (args.Get("policy") is { } p)
        {
            o.Policy = p switch
            {
                "hold" => ThermalPolicyName.Hold,
                "shed" => ThermalPolicyName.Shed,
                "ignore" => ThermalPolicyName.Ignore,
                _ => throw new UsageException($"--policy: expected hold, shed or ignore, got '{p}'"),
            };
        }
        if (args.Get("metrics-address") is { } a)
        {
            if (!SimulationAddresses.TryParseLoopback(a, out _, out var why)) throw new UsageException($"--metrics-address: {why}");
            o.MetricsAddress = a;
        }
        if (args.Get("mqtt") is { } m)
        {
            if (o.NoMqtt) throw new UsageException("--mqtt and --no-mqtt contradict each other; give one");
            if (!SimulationAddresses.TryParseMqtt(m, out _, out _, out var why)) throw new UsageException($"--mqtt: {why}");
            o.Mqtt = m;
        }
        return o;
    }
}
