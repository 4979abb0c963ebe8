// A stand-in for GitHub's release downloads on 127.0.0.1, for the installer and Action tests:
//   /releases/latest                 -> 302 to /releases/tag/<latest>
//   /releases/tag/<tag>              -> 200 (the release page)
//   /releases/download/<tag>/<file>  -> the asset, or 404
// Assets are shell scripts that print their tag, so a test can run what was installed.

/** The asset name install.sh picks on this machine. */
export function hostAsset(): string {
  const os = Deno.build.os === "windows" ? "windows" : Deno.build.os;
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
  return `talosctl-${os}-${arch}${os === "windows" ? ".exe" : ""}`;
}

export const fakeBinary = (tag: string) => `#!/bin/sh\necho "fake talosctl ${tag}"\n`;

async function sha256(data: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(data));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export type Release = Record<string, string>;

/** A release whose sha256sum.txt matches its assets (plus another platform's, for realism). */
export async function goodRelease(tag: string): Promise<Release> {
  const assets: Release = {
    [hostAsset()]: fakeBinary(tag),
    "talosctl-plan9-amd64": "other platform\n",
  };
  let sums = "";
  for (const [name, body] of Object.entries(assets).sort()) {
    sums += `${await sha256(body)}  ${name}\n`;
  }
  return { ...assets, "sha256sum.txt": sums };
}

export interface ReleaseServer extends AsyncDisposable {
  baseUrl: string;
  /** Paths requested, in order. */
  requests: string[];
}

export function serveReleases(latest: string, releases: Record<string, Release>): ReleaseServer {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    if (path === "/releases/latest") {
      return new Response(null, { status: 302, headers: { location: `/releases/tag/${latest}` } });
    }
    let m = /^\/releases\/tag\/([^/]+)$/.exec(path);
    if (m && releases[m[1]]) return new Response(`release ${m[1]}\n`);
    m = /^\/releases\/download\/([^/]+)\/([^/]+)$/.exec(path);
    const body = m ? releases[m[1]]?.[m[2]] : undefined;
    if (body !== undefined) return new Response(body);
    return new Response("Not Found\n", { status: 404 });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/releases`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
