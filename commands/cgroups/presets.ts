// The column sets of `cgroups --preset`, by name: each column is a header and a Go template
// over the cgroup (with .Parent for its parent). These columns are talosctl's output format.

export interface Column {
  name: string;
  template: string;
}

const pct = (expr: string, parent: string) =>
  `{{ if .Parent }}{{ ${expr}.DivideBy ${parent} | printf "%6s" }}%{{ else }}-{{ end }}`;

export const PRESETS: Record<string, Column[]> = {
  cpu: [
    { name: "CpuWeight", template: '{{ .CPUWeight | printf "%6s" }}' },
    { name: "CpuNice", template: '{{ .CPUWeightNice | printf "%6s" }}' },
    { name: "CpuMax", template: '{{ .CPUMax | printf "%6s" }}' },
    { name: "CpuUser", template: '{{ .CPUStat.user_usec.UsecToDuration | printf "%12s" }}' },
    { name: "User/%", template: pct(".CPUStat.user_usec", ".Parent.CPUStat.user_usec") },
    { name: "CpuSystem", template: '{{ .CPUStat.system_usec.UsecToDuration | printf "%12s" }}' },
    { name: "System/%", template: pct(".CPUStat.system_usec", ".Parent.CPUStat.system_usec") },
    {
      name: "Throttled",
      template: '{{ .CPUStat.throttled_usec.UsecToDuration | printf "%12s" }}',
    },
  ],
  cpuset: [
    { name: "CpuSet", template: '{{ .CPUSetCPUs | printf "%12s" }}' },
    { name: "CpuSet(Eff)", template: '{{ .CPUSetCPUsEffective | printf "%12s" }}' },
    { name: "Mems", template: '{{ .CPUSetMems | printf "%12s" }}' },
    { name: "Mems(Eff)", template: '{{ .CPUSetMemsEffective | printf "%12s" }}' },
  ],
  io: [
    {
      name: "Bytes Read/Written",
      template:
        "{{ range $disk, $v := .IOStat }}{{ if $v }}{{ $disk }}: {{ $v.rbytes.HumanizeIBytes }}/{{ $v.wbytes.HumanizeIBytes }} {{ end }}{{ end }}",
    },
    {
      name: "ios Read/Write",
      template:
        "{{ if .Parent }}{{ range $disk, $v := .IOStat }}{{ $disk }}: {{ $v.rios }}/{{ $v.wios }} {{ end }}{{ end }}",
    },
    { name: "PressAvg10", template: '{{ .IOPressure.some.avg10 | printf "%6s" }}' },
    { name: "PressAvg60", template: '{{ .IOPressure.some.avg60 | printf "%6s" }}' },
    {
      name: "PressTotal",
      template: '{{ .IOPressure.some.total.UsecToDuration | printf "%12s" }}',
    },
  ],
  memory: [
    { name: "MemCurrent", template: '{{ .MemoryCurrent.HumanizeIBytes | printf "%8s" }}' },
    { name: "MemPeak", template: '{{ .MemoryPeak.HumanizeIBytes | printf "%8s" }}' },
    { name: "MemLow", template: '{{ .MemoryLow.HumanizeIBytes | printf "%8s" }}' },
    { name: "Peak/Low", template: '{{ .MemoryPeak.DivideBy .MemoryLow | printf "%6s%%" }}' },
    { name: "MemHigh", template: '{{ .MemoryHigh.HumanizeIBytes | printf "%8s" }}' },
    { name: "MemMin", template: '{{ .MemoryMin.HumanizeIBytes | printf "%8s" }}' },
    {
      name: "Current/Min",
      template: '{{ .MemoryCurrent.DivideBy .MemoryMin | printf "%6s%%" }}',
    },
    { name: "MemMax", template: '{{ .MemoryMax.HumanizeIBytes | printf "%8s" }}' },
  ],
  process: [
    { name: "PidsCurrent", template: '{{ .PidsCurrent | printf "%8s" }}' },
    { name: "PidsPeak", template: '{{ .PidsPeak | printf "%8s" }}' },
    { name: "PidsMax", template: '{{ .PidsMax | printf "%8s" }}' },
    { name: "Procs", template: '{{ .CgroupProcs | len | printf "%7d" }}' },
    { name: "Threads", template: '{{ .CgroupThreads | len | printf "%7d" }}' },
    {
      name: "Processes",
      template:
        '{{ if .Parent }}{{ .CgroupProcsResolved | printf "%s" | printf "%.50s"  }}{{ end }}',
    },
  ],
  psi: [
    { name: "MemCurrent", template: '{{ .MemoryCurrent.HumanizeIBytes | printf "%8s" }}' },
    { name: "MemPsiSome10", template: '{{ .MemoryPressure.some.avg10 | printf "%6s" }}' },
    { name: "MemPsi10", template: '{{ .MemoryPressure.full.avg10 | printf "%6s" }}' },
    { name: "CpuPsi10", template: '{{ .CPUPressure.full.avg10 | printf "%6s" }}' },
    { name: "IoPsi10", template: '{{ .IOPressure.full.avg10 | printf "%6s" }}' },
  ],
  swap: [
    { name: "SwapCurrent", template: '{{ .MemorySwapCurrent.HumanizeIBytes | printf "%8s" }}' },
    { name: "SwapPeak", template: '{{ .MemorySwapPeak.HumanizeIBytes | printf "%8s" }}' },
    { name: "SwapHigh", template: '{{ .MemorySwapHigh.HumanizeIBytes | printf "%8s" }}' },
    { name: "SwapMax", template: '{{ .MemorySwapMax.HumanizeIBytes | printf "%8s" }}' },
    { name: "ZswapCurrent", template: '{{ .MemoryZswapCurrent.HumanizeIBytes | printf "%8s" }}' },
    { name: "ZswapMax", template: '{{ .MemoryZswapMax.HumanizeIBytes | printf "%8s" }}' },
    { name: "ZswapWriteback", template: "{{ .MemoryZswapWriteback }}" },
  ],
};

/** Preset names, sorted. */
export const PRESET_NAMES = Object.keys(PRESETS).sort();
