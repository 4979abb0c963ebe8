// A REST mapper over the API server's discovery documents, as client-go's deferred discovery
// mapper: which resource (plural name) serves a group/kind in a version, and whether it is
// namespaced. /api and /apis list the group versions; each group version's document lists its
// resources (subresources skipped). Documents are fetched when first needed and kept until
// reset() (after CRDs were applied).

import type { K8sClient, K8sObject } from "./client.ts";

export interface RestMapping {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

/** client-go's NoKindMatchError. */
export class NoKindMatchError extends Error {
  override name = "NoKindMatchError";
  constructor(group: string, kind: string, versions: string[]) {
    const gv = (v: string) => (group ? `${group}/${v}` : v);
    super(
      versions.length === 0
        ? `no matches for kind ${JSON.stringify(kind)} in group ${JSON.stringify(group)}`
        : `no matches for kind ${JSON.stringify(kind)} in version ${
          JSON.stringify(gv(versions[0]))
        }`,
    );
  }
}

interface Group {
  name: string;
  versions: string[];
  preferred: string;
}

export class RestMapper {
  #groups?: Promise<Group[]>;
  #resources = new Map<string, Promise<K8sObject[]>>();

  constructor(readonly client: K8sClient, readonly signal?: AbortSignal) {}

  reset(): void {
    this.#groups = undefined;
    this.#resources.clear();
  }

  #loadGroups(): Promise<Group[]> {
    this.#groups ??= (async () => {
      const core = await this.client.get("/api", { signal: this.signal });
      const apis = await this.client.get("/apis", { signal: this.signal });
      const groups: Group[] = [{
        name: "",
        versions: core.versions ?? ["v1"],
        preferred: (core.versions ?? ["v1"])[0],
      }];
      for (const g of apis.groups ?? []) {
        const versions = (g.versions ?? []).map((v: K8sObject) => String(v.version));
        groups.push({
          name: String(g.name),
          versions,
          preferred: String(g.preferredVersion?.version ?? versions[0]),
        });
      }
      return groups;
    })().catch((e) => {
      this.#groups = undefined;
      throw e;
    });
    return this.#groups;
  }

  #loadResources(group: string, version: string): Promise<K8sObject[]> {
    const gv = group ? `${group}/${version}` : version;
    let p = this.#resources.get(gv);
    if (!p) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = this.client.get(path, { signal: this.signal }).then((doc) =>
        ((doc.resources ?? []) as K8sObject[]).filter((r) => !String(r.name).includes("/"))
      ).catch((e) => {
        this.#resources.delete(gv);
        throw e;
      });
      this.#resources.set(gv, p);
    }
    return p;
  }

  /**
   * The mapping of `group`/`kind` in `version` (empty: the group's preferred version first,
   * then the others).
   */
  async mapping(group: string, kind: string, version = ""): Promise<RestMapping> {
    const cached = this.#groups !== undefined;
    try {
      return await this.#mapping(group, kind, version);
    } catch (e) {
      // A kind missing from cached documents may have been served since (a CRD was applied).
      if (!(e instanceof NoKindMatchError) || !cached) throw e;
      this.reset();
      return await this.#mapping(group, kind, version);
    }
  }

  async #mapping(group: string, kind: string, version: string): Promise<RestMapping> {
    const groups = await this.#loadGroups();
    const g = groups.find((x) => x.name === group);
    const candidates = version
      ? [version]
      : g
      ? [g.preferred, ...g.versions.filter((v) => v !== g.preferred)]
      : [];
    for (const v of candidates) {
      if (!g?.versions.includes(v)) continue;
      const r = (await this.#loadResources(group, v)).find((x) => x.kind === kind);
      if (r) {
        return { group, version: v, kind, resource: String(r.name), namespaced: !!r.namespaced };
      }
    }
    throw new NoKindMatchError(group, kind, version ? [version] : []);
  }
}

/** The REST path of an object (`name` omitted: its collection). */
export function resourcePath(m: RestMapping, namespace: string, name?: string): string {
  const base = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  const ns = m.namespaced ? `/namespaces/${encodeURIComponent(namespace || "default")}` : "";
  return `${base}${ns}/${m.resource}${name === undefined ? "" : "/" + encodeURIComponent(name)}`;
}
