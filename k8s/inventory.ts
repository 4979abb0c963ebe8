// The inventory of a server-side apply manager (go-kubernetes' ConfigMap inventory): a ConfigMap
// whose data keys name every object the manager applied (`namespace_name_group_kind`, values
// empty). Loading makes sure its namespace and the ConfigMap exist; writing replaces its data.

import { isNotFound, type K8sClient } from "./client.ts";
import { inventoryKey, type ObjMeta, parseInventoryKey, sameMeta } from "./objects.ts";

export class Inventory {
  private constructor(
    readonly client: K8sClient,
    readonly namespace: string,
    readonly name: string,
    public contents: ObjMeta[],
    readonly signal?: AbortSignal,
  ) {}

  /** The inventory's id, which objects carry in their owning-inventory annotation. */
  get id(): string {
    return this.name;
  }

  static async load(
    client: K8sClient,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<Inventory> {
    try {
      await client.get(`/api/v1/namespaces/${namespace}`, { signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await client.request("POST", "/api/v1/namespaces", {
          body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
          signal,
        });
      } catch (e) {
        if (!(e as { status?: number }).status || (e as { status?: number }).status !== 409) {
          throw new Error(`failed to create inventory namespace: ${(e as Error).message}`);
        }
      }
    }
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    let data: Record<string, string> = {};
    try {
      data = (await client.get(`${path}/${name}`, { signal })).data ?? {};
    } catch (e) {
      if (!isNotFound(e)) {
        throw new Error(`failed to fetch the inventory configmap: ${(e as Error).message}`);
      }
      try {
        await client.request("POST", path, {
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace } },
          signal,
        });
      } catch (e) {
        throw new Error(`failed to create the inventory configmap: ${(e as Error).message}`);
      }
    }
    const contents = Object.keys(data).map((k) => {
      try {
        return parseInventoryKey(k);
      } catch (e) {
        throw new Error(`failed to parse object metadata: ${(e as Error).message}`);
      }
    });
    return new Inventory(client, namespace, name, contents, signal);
  }

  has(m: ObjMeta): boolean {
    return this.contents.some((c) => sameMeta(c, m));
  }

  async write(): Promise<void> {
    const data: Record<string, string> = {};
    for (const m of this.contents) data[inventoryKey(m)] = "";
    try {
      await this.client.request(
        "PUT",
        `/api/v1/namespaces/${this.namespace}/configmaps/${this.name}`,
        {
          body: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: this.name, namespace: this.namespace },
            data,
          },
          signal: this.signal,
        },
      );
    } catch (e) {
      throw new Error(`failed to update the inventory: ${(e as Error).message}`);
    }
  }
}
