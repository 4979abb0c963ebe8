import { assertEquals } from "../../tests/assert.ts";
import { goURLHostname, goURLPort, goURLString, parseGoURL } from "./gourl.ts";

function roundTrip(raw: string): string {
  const u = parseGoURL(raw);
  if ("error" in u) throw new Error(u.error);
  return goURLString(u);
}

Deno.test("gourl: String re-prints what Parse read, the way net/url does", () => {
  const cases: [string, string][] = [
    ["https://base:6443", "https://base:6443"],
    ["HTTPS://Host.Example:6443", "https://Host.Example:6443"], // only the scheme is lowered
    ["https://h:6443/", "https://h:6443/"],
    ["http://x/a b", "http://x/a%20b"], // path escaped
    ["http://x/file%20one%26two", "http://x/file%20one%26two"], // RawPath kept when valid
    ["http://x/a%2Fb", "http://x/a%2Fb"],
    ["http://user:p%40ss@h/", "http://user:p%40ss@h/"],
    ["http://[fe80::1%25en0]:8080/", "http://[fe80::1%25en0]:8080/"],
    ["http://x/?", "http://x/?"], // ForceQuery
    ["http://x/p?q=1&r", "http://x/p?q=1&r"],
    ["https://x:6443#frag ment", "https://x:6443#frag%20ment"],
    ["mailto:someone@example.com", "mailto:someone@example.com"], // opaque
    ["host:6443", "host:6443"], // "host" is the scheme, "6443" opaque
    ["https://h:", "https://h:"],
    ["/just/a/path", "/just/a/path"],
  ];
  for (const [raw, want] of cases) assertEquals(roundTrip(raw), want, raw);
});

Deno.test("gourl: Parse errors in Go's words (Go 1.26: strict colons, checked IP-literals)", () => {
  const cases: [string, string][] = [
    ["https://h:abc", 'parse "https://h:abc": invalid port ":abc" after host'],
    ["https://fd00::1:6443", 'parse "https://fd00::1:6443": invalid port "::1:6443" after host'],
    ["http://h:80:80/", 'parse "http://h:80:80/": invalid port ":80:80" after host'],
    ["https://[1.2.3.4]:6443", 'parse "https://[1.2.3.4]:6443": invalid IP-literal'],
    ["https://a[::1]", 'parse "https://a[::1]": invalid IP-literal'],
    ["https://[::1", `parse "https://[::1": missing ']' in host`],
    ["https://ho st", 'parse "https://ho st": invalid character " " in host name'],
    ["https://h%41", 'parse "https://h%41": invalid URL escape "%41"'],
    ["http://x/%zz", 'parse "http://x/%zz": invalid URL escape "%zz"'],
    ["1.2.3.4:6443", 'parse "1.2.3.4:6443": first path segment in URL cannot contain colon'],
    [":x", 'parse ":x": missing protocol scheme'],
    ["http://a\nb", 'parse "http://a\\nb": net/url: invalid control character in URL'],
    ["http://us er@h/", 'parse "http://us er@h/": net/url: invalid userinfo'],
  ];
  for (const [raw, want] of cases) {
    const u = parseGoURL(raw);
    assertEquals("error" in u ? u.error : "parsed", want, raw);
  }
});

Deno.test("gourl: Hostname and Port", () => {
  const hp = (raw: string) => {
    const u = parseGoURL(raw);
    if ("error" in u) throw new Error(u.error);
    return [goURLHostname(u), goURLPort(u)];
  };
  assertEquals(hp("https://[fd00::1]:6443"), ["fd00::1", "6443"]);
  assertEquals(hp("https://[fd00::1]"), ["fd00::1", ""]);
  assertEquals(hp("https://h.example"), ["h.example", ""]);
  assertEquals(hp("https://:6443"), ["", "6443"]);
  assertEquals(hp("https://u@h:1/p"), ["h", "1"]);
});
