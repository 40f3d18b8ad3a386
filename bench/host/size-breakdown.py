#!/usr/bin/env python3
"""What the native binary is made of, by assembly, from the ILC map file.

Publish with the map first:
  dotnet publish firmware-host -c Release -r linux-x64 -p:IlcGenerateMapFile=true -o /tmp/es
  bench/host/size-breakdown.py firmware-host/obj/Release/net10.0/linux-x64/native/edgescaler.map.xml

Every node of the map (method code, type, frozen data, ...) is charged to the assembly its mangled name starts
with; generic instantiations are charged to the generic's assembly (so List<V1Pod> counts as CoreLib, and the
JSON metadata generated for a model counts as System.Text.Json). The totals cover the sections the map lists,
which are larger than the stripped file.
"""
import collections
import pathlib
import re
import sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
map_file = pathlib.Path(sys.argv[1])
rsp = next(map_file.parent.glob("*.ilc.rsp"), None)
assemblies = []
if rsp:
    assemblies = [pathlib.Path(line.strip().split(":", 1)[-1]).stem for line in rsp.read_text().splitlines() if line.strip().endswith(".dll")]
assemblies += ["S_P_CoreLib"]  # System.Private.CoreLib's mangled prefix
prefixes = sorted(((a.replace(".", "_") + "_", a) for a in set(assemblies)), key=lambda p: -len(p[0]))
node = re.compile(r'<(\w+) Name="([^"]*)" Length="(\d+)"')
strip = re.compile(r"^(_ZTV\d+|Boxed_|__GenericDict_|__GCStaticBase_|__NonGCStaticBase_|__unbox_)+")
runtime_maps = {"Metadata", "DehydratedData", "ArrayOfFrozenObjects", "GenericTypesHashtable", "GenericMethodsHashtable", "ReflectionInvokeMap",
                "StackTraceMethodMapping", "InterfaceDispatchCellSection", "ExternalReferencesTable", "ResourceData"}

by_assembly = collections.Counter()
for line in map_file.open(encoding="utf-8"):
    m = node.search(line)
    if not m:
        continue
    kind, name, length = m.group(1), strip.sub("", m.group(2)), int(m.group(3))
    owner = next((a for p, a in prefixes if name.startswith(p)), "(runtime tables)" if kind in runtime_maps else "(other)")
    by_assembly["System.Private.CoreLib" if owner == "S_P_CoreLib" else owner] += length

total = sum(by_assembly.values())
print(f"{total / 2**20:.1f} MiB in the map's sections")
for owner, size in by_assembly.most_common(25):
    print(f"{size / 2**20:7.2f} MiB  {100 * size / total:4.1f} %  {owner}")
