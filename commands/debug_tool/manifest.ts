// debug.yaml, the manifest `debug-tool air-gapped` serves for the KubeExternalManifestConfig of
// its patch: a DaemonSet whose image has to be pulled (through the proxy, in an air-gapped
// setup) on every node. Its pods running shows that manifests, the proxy and the CA all work.

export const DEBUG_MANIFEST = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: air-gapped-check
  namespace: default
  labels:
    app.kubernetes.io/name: air-gapped-check
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: air-gapped-check
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app.kubernetes.io/name: air-gapped-check
    spec:
      terminationGracePeriodSeconds: 5
      tolerations:
        - operator: Exists
      containers:
        - name: check
          image: docker.io/library/busybox:1.37
          imagePullPolicy: Always
          command: ["sh", "-c", "echo pulled through the proxy; exec sleep 2147483647"]
          resources: {}
`;
