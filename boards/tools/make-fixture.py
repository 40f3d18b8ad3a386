#!/usr/bin/env python3
"""Writes sysfs/procfs/cgroupfs fixture trees in the real kernel layouts.

    boards/tools/make-fixture.py all                 # regenerate every boards/<id>/fixture (committed)
    boards/tools/make-fixture.py bench DIR [--pods 110 --containers 3]
                                                     # a big generated node for bench/node (not committed)

File formats follow the kernel docs (cgroup-v2.rst, cgroup-v1 cpuacct/memory, psi.rst, sysfs thermal
and hwmon ABI) and the kubelet/containerd naming rules (see boards/README.md). Values are deterministic.
"""
import argparse, hashlib, os, shutil, sys

HERE = os.path.dirname(os.path.abspath(__file__))
BOARDS = os.path.dirname(HERE)


def h(*parts, n=64):
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:n]


def uid_of(*parts):
    x = h(*parts, n=32)
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def write(root, path, text, binary=False):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb" if binary else "w") as f:
        f.write(text)


def cpu_stat(usec):
    user = usec * 2 // 3
    return (f"usage_usec {usec}\nuser_usec {user}\nsystem_usec {usec - user}\nnr_periods 0\n"
            f"nr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n")


def mem_stat_v2(current, inactive_file):
    file_ = inactive_file + inactive_file // 3
    anon = max(current - file_, 0)
    return (f"anon {anon}\nfile {file_}\nkernel 1892352\nkernel_stack 147456\npagetables 376832\nsock 0\nshmem 0\n"
            f"file_mapped {file_ // 2}\nfile_dirty 0\nfile_writeback 0\ninactive_anon {anon}\nactive_anon 0\n"
            f"inactive_file {inactive_file}\nactive_file {file_ - inactive_file}\nunevictable 0\n"
            f"slab_reclaimable 812040\nslab_unreclaimable 401096\npgfault 29631\npgmajfault 204\n")


def mem_stat_v1(current, inactive_file):
    file_ = inactive_file + inactive_file // 3
    rss = max(current - file_, 0)
    own = (f"cache {file_}\nrss {rss}\nmapped_file {file_ // 2}\ninactive_anon {rss}\nactive_anon 0\n"
           f"inactive_file {inactive_file}\nactive_file {file_ - inactive_file}\nunevictable 0\nhierarchical_memory_limit 9223372036854771712\n")
    return own + "".join(f"total_{line}\n" for line in own.splitlines() if not line.startswith("hierarchical"))


def pressure(some, full=True):
    s = f"some avg10=0.00 avg60=0.12 avg300=0.05 total={some}\n"
    return s + (f"full avg10=0.00 avg60=0.00 avg300=0.00 total={some // 3}\n" if full else "")


class Node:
    def __init__(self, cgroup="v2", driver="systemd", memory=True, psi=True):
        self.cgroup, self.driver, self.memory, self.psi = cgroup, driver, memory, psi

    # --- paths -----------------------------------------------------------------------------------
    def pod_rel(self, qos, uid):
        if self.driver == "systemd":
            esc = uid.replace("-", "_")
            if qos == "guaranteed":
                return f"kubepods.slice/kubepods-pod{esc}.slice"
            return f"kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{esc}.slice"
        return f"kubepods/pod{uid}" if qos == "guaranteed" else f"kubepods/{qos}/pod{uid}"

    def leaf(self, cid):
        return f"cri-containerd-{cid}.scope" if self.driver == "systemd" else cid

    def roots(self):
        if self.cgroup == "v2":
            return {"cpu": "sys/fs/cgroup", "mem": "sys/fs/cgroup"}
        return {"cpu": "sys/fs/cgroup/cpu,cpuacct", "mem": "sys/fs/cgroup/memory"}

    # --- writers ---------------------------------------------------------------------------------
    def cgroup_files(self, root, rel, usec, current, inactive, psi_seed):
        r = self.roots()
        if self.cgroup == "v2":
            d = f"{r['cpu']}/{rel}"
            write(root, f"{d}/cpu.stat", cpu_stat(usec))
            if self.memory:
                write(root, f"{d}/memory.current", f"{current}\n")
                write(root, f"{d}/memory.stat", mem_stat_v2(current, inactive))
            if self.psi:
                write(root, f"{d}/cpu.pressure", pressure(psi_seed))
                write(root, f"{d}/memory.pressure", pressure(psi_seed // 7))
                write(root, f"{d}/io.pressure", pressure(psi_seed // 3))
        else:
            write(root, f"{r['cpu']}/{rel}/cpuacct.usage", f"{usec * 1000}\n")
            if self.memory:
                write(root, f"{r['mem']}/{rel}/memory.usage_in_bytes", f"{current}\n")
                write(root, f"{r['mem']}/{rel}/memory.stat", mem_stat_v1(current, inactive))

    def write_pods(self, root, board, pods):
        """pods: list of (qos, [(name, usec, current, inactive)]); a pause leaf is added to each."""
        for i, (qos, containers) in enumerate(pods):
            uid = uid_of(board, "pod", i)
            rel = self.pod_rel(qos, uid)
            leaves = [("pause", 12000, 245760, 0)] + containers
            for name, usec, cur, ina in leaves:
                cid = h(board, uid, name)
                self.cgroup_files(root, f"{rel}/{self.leaf(cid)}", usec, cur, ina, usec // 50 + 1)
            self.cgroup_files(root, rel, sum(c[1] for c in leaves), sum(c[2] for c in leaves),
                              sum(c[3] for c in leaves), sum(c[1] for c in leaves) // 50 + 1)
        # QoS parents and the kubepods root exist even when empty.
        for qos in ("burstable", "besteffort"):
            rel = f"kubepods.slice/kubepods-{qos}.slice" if self.driver == "systemd" else f"kubepods/{qos}"
            for k in set(self.roots().values()) if self.memory else {self.roots()["cpu"]}:
                os.makedirs(os.path.join(root, k, rel), exist_ok=True)

    def write_root(self, root, node_usec, mem_total_kb, mem_avail_kb):
        r = self.roots()
        used = (mem_total_kb - mem_avail_kb) * 1024
        if self.cgroup == "v2":
            ctrls = "cpuset cpu io " + ("memory " if self.memory else "") + "pids"
            write(root, "sys/fs/cgroup/cgroup.controllers", ctrls + "\n")
            write(root, "sys/fs/cgroup/cgroup.subtree_control", ctrls + "\n")
            write(root, "sys/fs/cgroup/cpu.stat", cpu_stat(node_usec))
            if self.memory:
                write(root, "sys/fs/cgroup/memory.stat", mem_stat_v2(used + used // 4, used // 4))
            if self.psi:
                write(root, "sys/fs/cgroup/cpu.pressure", pressure(node_usec // 40))
        else:
            write(root, f"{r['cpu']}/cpuacct.usage", f"{node_usec * 1000}\n")
            if self.memory:
                write(root, f"{r['mem']}/memory.usage_in_bytes", f"{used + used // 4}\n")
                write(root, f"{r['mem']}/memory.stat", mem_stat_v1(used + used // 4, used // 4))
        mem_enabled = 1 if self.memory else 0
        hier = {"v2": 0, "v1": None}[self.cgroup]
        lines = ["#subsys_name\thierarchy\tnum_cgroups\tenabled"]
        for i, c in enumerate(["cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "pids"]):
            hh = 0 if hier == 0 else i + 1
            en = mem_enabled if c == "memory" else 1
            lines.append(f"{c}\t{0 if (c == 'memory' and not self.memory) else hh}\t{39 if en else 1}\t{en}")
        write(root, "proc/cgroups", "\n".join(lines) + "\n")
        ticks = node_usec // 10000
        write(root, "proc/stat", f"cpu  {ticks * 2 // 3} 0 {ticks - ticks * 2 // 3} {ticks * 5} {ticks // 20} 0 {ticks // 100} 0 0 0\n"
                                 f"cpu0 {ticks // 6} 0 {ticks // 12} {ticks} 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime 1764000000\n")
        write(root, "proc/meminfo", f"MemTotal:       {mem_total_kb} kB\nMemFree:        {mem_avail_kb // 2} kB\n"
                                    f"MemAvailable:   {mem_avail_kb} kB\nBuffers:           31092 kB\nCached:          {mem_avail_kb // 3} kB\n"
                                    f"SwapTotal:      102396 kB\nSwapFree:       102396 kB\n")


def device_tree(root, model, compatible):
    write(root, "sys/firmware/devicetree/base/model", (model + "\0").encode(), binary=True)
    write(root, "sys/firmware/devicetree/base/compatible", ("\0".join(compatible) + "\0").encode(), binary=True)


def zones(root, zs, mirror_hwmon=True):
    """zs: list of (type, millidegrees or None for a zone whose read fails, [(trip_temp, trip_type)])."""
    hw = 0
    for i, (t, milli, trips) in enumerate(zs):
        d = f"sys/class/thermal/thermal_zone{i}"
        write(root, f"{d}/type", t + "\n")
        write(root, f"{d}/mode", "enabled\n")
        for k, (tt, ty) in enumerate(trips):
            write(root, f"{d}/trip_point_{k}_temp", f"{tt}\n")
            write(root, f"{d}/trip_point_{k}_type", f"{ty}\n")
        if milli is None:
            # Stands in for an offline sensor whose read fails (EIO/EINVAL): a directory where the file should be.
            write(root, f"{d}/temp/README", "Offline sensor: reading this 'temp' fails, as on real hardware.\n")
        else:
            write(root, f"{d}/temp", f"{milli}\n")
            if mirror_hwmon:
                write(root, f"sys/class/hwmon/hwmon{hw}/name", t.replace("-", "_") + "\n")
                write(root, f"sys/class/hwmon/hwmon{hw}/temp1_input", f"{milli}\n")
                hw += 1
    return hw


def cpufreq(root, policies):
    for n, cur, mx, smax in policies:
        d = f"sys/devices/system/cpu/cpufreq/policy{n}"
        write(root, f"{d}/scaling_cur_freq", f"{cur}\n")
        write(root, f"{d}/cpuinfo_max_freq", f"{mx}\n")
        write(root, f"{d}/scaling_max_freq", f"{smax}\n")
        write(root, f"{d}/scaling_governor", "ondemand\n")


def rpi_extras(root, hw, throttled=None, undervolt_alarm=0):
    if throttled is not None:
        write(root, "sys/devices/platform/soc/soc:firmware/get_throttled", f"{throttled:x}\n")
    write(root, f"sys/class/hwmon/hwmon{hw}/name", "rpi_volt\n")
    write(root, f"sys/class/hwmon/hwmon{hw}/in0_lcrit_alarm", f"{undervolt_alarm}\n")


MB = 1024 * 1024
SMALL_PODS = [
    ("guaranteed", [("app", 183205731, 57000000, 26017792)]),
    ("burstable", [("web", 92511034, 41943040, 10485760), ("sidecar", 3021877, 8388608, 1048576)]),
    ("besteffort", [("job", 1500000, 6291456, 7340032)]),   # inactive_file > usage: working set clamps at 0
]
PI_TRIPS = [(110000, "critical")]


def board(board_id, f):
    root = os.path.join(BOARDS, board_id, "fixture")
    shutil.rmtree(root, ignore_errors=True)
    f(root)
    print(f"wrote {os.path.relpath(root)}")


def rpi_4b(root):
    device_tree(root, "Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"])
    n = Node("v2", "systemd")
    n.write_root(root, 98211530000 // 1000, 3884584, 2931208)
    n.write_pods(root, "rpi-4b", SMALL_PODS)
    hw = zones(root, [("cpu-thermal", 48312, PI_TRIPS)])
    rpi_extras(root, hw, throttled=0x0)
    cpufreq(root, [(0, 1500000, 1500000, 1500000)])


def rpi_3bplus(root):
    device_tree(root, "Raspberry Pi 3 Model B Plus Rev 1.3", ["raspberrypi,3-model-b-plus", "brcm,bcm2837"])
    n = Node("v1", "cgroupfs", psi=False)
    n.write_root(root, 51234000000 // 1000, 945364, 512332)
    n.write_pods(root, "rpi-3bplus", SMALL_PODS[:2])
    hw = zones(root, [("cpu-thermal", 61224, PI_TRIPS)])
    rpi_extras(root, hw, throttled=0x80008)   # soft temperature limit active now
    cpufreq(root, [(0, 1200000, 1400000, 1400000)])


def rpi_5(root):
    device_tree(root, "Raspberry Pi 5 Model B Rev 1.0", ["raspberrypi,5-model-b", "brcm,bcm2712"])
    n = Node("v2", "systemd", memory=False)   # Pi kernel default: memory controller off
    n.write_root(root, 12345678000 // 1000, 8245136, 7412044)
    n.write_pods(root, "rpi-5", SMALL_PODS[:1])
    trips = [(110000, "critical"), (50000, "active"), (60000, "active"), (67500, "active"), (75000, "active")]
    hw = zones(root, [("cpu-thermal", 67450, trips)])
    rpi_extras(root, hw, throttled=None, undervolt_alarm=0)   # Pi 5 get_throttled path unverified: rpi_volt only
    write(root, "sys/class/thermal/cooling_device0/type", "pwm-fan\n")
    write(root, "sys/class/thermal/cooling_device0/cur_state", "3\n")
    write(root, "sys/class/thermal/cooling_device0/max_state", "4\n")
    cpufreq(root, [(0, 2400000, 2400000, 2400000)])


def rpi_zero2w(root):
    device_tree(root, "Raspberry Pi Zero 2 W Rev 1.0", ["raspberrypi,model-zero-2-w", "brcm,bcm2837"])
    n = Node("v2", "cgroupfs")
    n.write_root(root, 7654321000 // 1000, 439036, 101220)
    n.write_pods(root, "rpi-zero2w", [SMALL_PODS[1]])
    hw = zones(root, [("cpu-thermal", 83712, PI_TRIPS)])
    rpi_extras(root, hw, throttled=0x50005, undervolt_alarm=1)   # under-voltage + throttled now
    cpufreq(root, [(0, 600000, 1000000, 1000000)])


def rpi_cm4(root):
    device_tree(root, "Raspberry Pi Compute Module 4 Rev 1.1", ["raspberrypi,4-compute-module", "brcm,bcm2711"])
    n = Node("v2", "systemd")
    n.write_root(root, 45678912000 // 1000, 3884584, 3012444)
    n.write_pods(root, "rpi-cm4", SMALL_PODS[1:3])
    hw = zones(root, [("cpu-thermal", 55017, PI_TRIPS)])
    rpi_extras(root, hw, throttled=0x50000)   # under-voltage and throttling in the past only
    cpufreq(root, [(0, 1500000, 1500000, 1500000)])


def rk3588(root):
    device_tree(root, "Orange Pi 5", ["xunlong,orangepi-5", "rockchip,rk3588s"])
    n = Node("v2", "systemd")
    n.write_root(root, 234567891000 // 1000, 16159864, 13822100)
    n.write_pods(root, "rk3588", SMALL_PODS)
    crit = [(115000, "critical")]
    alert = [(85000, "passive"), (115000, "critical")]
    zones(root, [("soc-thermal", 52615, crit), ("bigcore0-thermal", 54538, alert), ("bigcore1-thermal", 53615, alert),
                 ("littlecore-thermal", 52692, alert), ("center-thermal", 51769, crit), ("gpu-thermal", 50846, alert),
                 ("npu-thermal", 51769, crit)])
    cpufreq(root, [(0, 1800000, 1800000, 1800000), (4, 1800000, 2256000, 1800000), (6, 2256000, 2256000, 2256000)])


def jetson_nano(root):
    device_tree(root, "NVIDIA Jetson Nano Developer Kit", ["nvidia,p3450-0000", "nvidia,jetson-nano", "nvidia,tegra210"])
    n = Node("v1", "systemd", psi=False)   # L4T 32.x (Ubuntu 18.04): cgroup v1
    n.write_root(root, 87654321000 // 1000, 4051048, 2735112)
    n.write_pods(root, "jetson-nano", SMALL_PODS[:2])
    zones(root, [("AO-therm", 36500, [(110000, "critical")]), ("CPU-therm", 41000, []), ("GPU-therm", 38500, []),
                 ("PLL-therm", 39000, []), ("PMIC-Die", 100000, []), ("thermal-fan-est", 40200, [])], mirror_hwmon=False)
    cpufreq(root, [(0, 1479000, 1479000, 1479000)])


def jetson_orin_nano(root):
    device_tree(root, "NVIDIA Jetson Orin Nano Developer Kit", ["nvidia,p3768-0000+p3767-0005", "nvidia,p3767-0005", "nvidia,tegra234"])
    n = Node("v2", "systemd")
    n.write_root(root, 123456789000 // 1000, 7814264, 5400012)
    n.write_pods(root, "jetson-orin-nano", SMALL_PODS[:2])
    zones(root, [("cpu-thermal", 48906, []), ("gpu-thermal", 47218, []), ("cv0-thermal", None, []), ("cv1-thermal", None, []),
                 ("cv2-thermal", None, []), ("soc0-thermal", 46531, []), ("soc1-thermal", 47093, []), ("soc2-thermal", 46906, []),
                 ("tj-thermal", 49468, [(99000, "critical")])], mirror_hwmon=False)
    cpufreq(root, [(0, 1510400, 1510400, 1510400), (4, 1510400, 1510400, 1510400)])


def generic_arm64(root):
    device_tree(root, "Pine64 RockPro64 v2.1", ["pine64,rockpro64-v2.1", "pine64,rockpro64", "rockchip,rk3399"])
    n = Node("v2", "cgroupfs")
    n.write_root(root, 34567890000 // 1000, 3969468, 3100200)
    n.write_pods(root, "generic-arm64", SMALL_PODS[:2])
    zones(root, [("cpu-thermal", 44375, [(70000, "passive"), (95000, "critical")]), ("gpu-thermal", 41250, [(95000, "critical")])])
    cpufreq(root, [(0, 1416000, 1416000, 1416000), (4, 1800000, 1800000, 1800000)])


ALL = {"rpi-4b": rpi_4b, "rpi-3bplus": rpi_3bplus, "rpi-5": rpi_5, "rpi-zero2w": rpi_zero2w, "rpi-cm4": rpi_cm4,
       "rk3588": rk3588, "jetson-nano": jetson_nano, "jetson-orin-nano": jetson_orin_nano, "generic-arm64": generic_arm64}


def bench(root, pods, containers):
    """A Pi 4-shaped node with `pods` pods of `containers` containers each (plus pause), QoS classes mixed."""
    shutil.rmtree(root, ignore_errors=True)
    rpi_4b_base = Node("v2", "systemd")
    device_tree(root, "Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"])
    rpi_4b_base.write_root(root, 98211530000 // 1000, 3884584, 2931208)
    qos = ["guaranteed", "burstable", "besteffort"]
    spec = [(qos[i % 3], [(f"c{j}", 1000000 + i * 7919 + j * 104729, 20 * MB + j * MB, 4 * MB) for j in range(containers)])
            for i in range(pods)]
    rpi_4b_base.write_pods(root, "bench", spec)
    hw = zones(root, [("cpu-thermal", 48312, PI_TRIPS)])
    rpi_extras(root, hw, throttled=0x0)
    cpufreq(root, [(0, 1500000, 1500000, 1500000)])
    print(f"wrote {root}: {pods} pods x {containers} containers (+ pause)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["all", "bench"] + list(ALL))
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--pods", type=int, default=110)
    ap.add_argument("--containers", type=int, default=3)
    a = ap.parse_args()
    if a.what == "bench":
        if not a.dir:
            sys.exit("bench needs a target directory")
        bench(a.dir, a.pods, a.containers)
    elif a.what == "all":
        for k, f in ALL.items():
            board(k, f)
    else:
        board(a.what, ALL[a.what])


if __name__ == "__main__":
    main()
