// Which roles may call which method: Talos's authorization table (machined's rule map at HEAD).
// Methods missing from the table need os:admin. A few methods admit os:reader only so that the
// maintenance API can serve them; machined's handlers still demand os:admin on a configured node.

const A = "os:admin", O = "os:operator", R = "os:reader", B = "os:etcd:backup";
const M = "os:meta:writer", V = "os:image:verifier";

const table: Record<string, string[]> = {
  "/cluster.ClusterService/HealthCheck": [A, O, R],
  "/inspect.InspectService/ControllerRuntimeDependencies": [A, O, R],
  "/machine.ImageService/Import": [A],
  "/machine.ImageService/List": [A, O, R],
  "/machine.ImageService/Pull": [A, O],
  "/machine.ImageService/Remove": [A],
  "/machine.ImageService/Verify": [A, O, R, V],
  "/machine.StorageService/Statfs": [A, O, R],
  "/machine.DebugService/ContainerRun": [A],
  "/machine.LifecycleService/Install": [A],
  "/machine.LifecycleService/Upgrade": [A],
  "/machine.LVMService/LogicalVolumeRemove": [A, R],
  "/machine.LVMService/VolumeGroupRemove": [A, R],
  "/machine.LVMService/PhysicalVolumeRemove": [A, R],
  "/machine.MDService/Destroy": [A, R],
  "/machine.MachineService/ApplyConfiguration": [A, R],
  "/machine.MachineService/Bootstrap": [A],
  "/machine.MachineService/CPUInfo": [A, O, R],
  "/machine.MachineService/CPUFreqStats": [A, O, R],
  "/machine.MachineService/Containers": [A, O, R],
  "/machine.MachineService/Copy": [A],
  "/machine.MachineService/DiskStats": [A, O, R],
  "/machine.MachineService/DiskUsage": [A, O, R],
  "/machine.MachineService/Dmesg": [A, O, R],
  "/machine.MachineService/EtcdAlarmList": [A, O, R, B],
  "/machine.MachineService/EtcdAlarmDisarm": [A, O],
  "/machine.MachineService/EtcdDefragment": [A, O],
  "/machine.MachineService/EtcdForfeitLeadership": [A],
  "/machine.MachineService/EtcdLeaveCluster": [A],
  "/machine.MachineService/EtcdMemberList": [A, O, R, B],
  "/machine.MachineService/EtcdRecover": [A],
  "/machine.MachineService/EtcdRemoveMemberByID": [A],
  "/machine.MachineService/EtcdSnapshot": [A, O, B],
  "/machine.MachineService/EtcdStatus": [A, O, R, B],
  "/machine.MachineService/EtcdDowngradeCancel": [A],
  "/machine.MachineService/EtcdDowngradeEnable": [A],
  "/machine.MachineService/EtcdDowngradeValidate": [A],
  "/machine.MachineService/Events": [A, O, R],
  "/machine.MachineService/GenerateClientConfiguration": [A],
  "/machine.MachineService/Hostname": [A, O, R],
  "/machine.MachineService/ImageList": [A, O, R],
  "/machine.MachineService/ImagePull": [A, O],
  "/machine.MachineService/Kubeconfig": [A],
  "/machine.MachineService/List": [A, O, R],
  "/machine.MachineService/LoadAvg": [A, O, R],
  "/machine.MachineService/Logs": [A, O, R],
  "/machine.MachineService/LogsContainers": [A, O, R],
  "/machine.MachineService/Memory": [A, O, R],
  "/machine.MachineService/MetaWrite": [A, M],
  "/machine.MachineService/MetaDelete": [A, M],
  "/machine.MachineService/Mounts": [A, O, R],
  "/machine.MachineService/NetworkDeviceStats": [A, O, R],
  "/machine.MachineService/Netstat": [A, O, R],
  "/machine.MachineService/PacketCapture": [A, O],
  "/machine.MachineService/Processes": [A, O, R],
  "/machine.MachineService/Read": [A],
  "/machine.MachineService/Reboot": [A, O],
  "/machine.MachineService/Reset": [A],
  "/machine.MachineService/Restart": [A, O],
  "/machine.MachineService/Rollback": [A],
  "/machine.MachineService/ServiceList": [A, O, R],
  "/machine.MachineService/ServiceRestart": [A, O],
  "/machine.MachineService/ServiceStart": [A, O],
  "/machine.MachineService/ServiceStop": [A, O],
  "/machine.MachineService/Shutdown": [A, O],
  "/machine.MachineService/Stats": [A, O, R],
  "/machine.MachineService/SystemStat": [A, O, R],
  "/machine.MachineService/Upgrade": [A],
  "/machine.MachineService/Version": [A, O, R],
  "/cosi.resource.State/Create": [A],
  "/cosi.resource.State/Destroy": [A],
  "/cosi.resource.State/Teardown": [A],
  "/cosi.resource.State/TeardownAndDestroy": [A],
  "/cosi.resource.State/Update": [A],
  "/cosi.resource.State/Get": [A, O, R],
  "/cosi.resource.State/List": [A, O, R],
  "/cosi.resource.State/Watch": [A, O, R],
  "/storage.StorageService/Disks": [A, O, R],
  "/storage.StorageService/BlockDeviceWipe": [A, R],
  "/time.TimeService/Time": [A, O, R],
  "/time.TimeService/TimeCheck": [A, O, R],
};

/** Roles allowed to call `path` ("/pkg.Service/Method"). */
export function allowedRoles(path: string): string[] {
  return table[path] ?? [A];
}

/** Methods whose os:reader entry is for the maintenance API only (checked in the handler). */
const MAINTENANCE_READER = new Set([
  "/machine.MachineService/ApplyConfiguration",
  "/storage.StorageService/BlockDeviceWipe",
  "/machine.LVMService/LogicalVolumeRemove",
  "/machine.LVMService/VolumeGroupRemove",
  "/machine.LVMService/PhysicalVolumeRemove",
  "/machine.MDService/Destroy",
]);

/** True when any of the caller's roles is allowed (`maintenance`: the node is unconfigured). */
export function authorized(path: string, roles: Iterable<string>, maintenance = false): boolean {
  const list = [...roles];
  if (MAINTENANCE_READER.has(path) && !maintenance) return list.includes(A);
  const allowed = new Set(allowedRoles(path));
  return list.some((r) => allowed.has(r));
}
