// A kubeconfig as a Talos node returns it (one cluster, its admin user and context, current),
// for the kubeconfig encoding and merge tests.

import { emptyKubeconfig, type Kubeconfig } from "../clientconfig/kubeconfig.ts";

export function talosKubeconfig(cluster: string, server: string, crt: string): Kubeconfig {
  const cfg = emptyKubeconfig();
  cfg.clusters.set(cluster, { server, "certificate-authority-data": btoa("CA PEM\n") });
  cfg.authInfos.set(`admin@${cluster}`, {
    "client-certificate-data": btoa(crt),
    "client-key-data": btoa("KEY\n"),
  });
  cfg.contexts.set(`admin@${cluster}`, {
    cluster,
    namespace: "default",
    user: `admin@${cluster}`,
  });
  cfg.currentContext = `admin@${cluster}`;
  return cfg;
}
