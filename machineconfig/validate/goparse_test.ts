import { assertEquals } from "../../tests/assert.ts";
import { base64Decode, humanizeParseBytes, parseBlockSize, urlParseError } from "./goparse.ts";

Deno.test("base64Decode reports Go's CorruptInputError offsets", () => {
  assertEquals(base64Decode("Y3J0"), { length: 3 });
  assertEquals(base64Decode("YQ=="), { length: 1 });
  assertEquals(base64Decode("YWI="), { length: 2 });
  assertEquals(base64Decode(""), { length: 0 });
  assertEquals(base64Decode("Y3\nJ0"), { length: 3 });
  const err = (at: number) => ({ error: `illegal base64 data at input byte ${at}` });
  assertEquals(base64Decode("invalid-key"), err(7));
  assertEquals(base64Decode("abc"), err(0));
  assertEquals(base64Decode("abcde"), err(4));
  assertEquals(base64Decode("YQ="), err(3));
  assertEquals(base64Decode("Y==="), err(1));
  assertEquals(base64Decode("YQ==YQ=="), err(4));
  assertEquals(base64Decode("YQ=x"), err(2));
});

Deno.test("urlParseError follows Go's url.Parse", () => {
  assertEquals(urlParseError("https://example.com:6443/path?q=1#f"), null);
  assertEquals(urlParseError("10.0.0.1"), null);
  assertEquals(urlParseError("mailto:x@y"), null);
  assertEquals(urlParseError(":6443"), `parse ":6443": missing protocol scheme`);
  assertEquals(
    urlParseError("10.0.0.1:6443"),
    `parse "10.0.0.1:6443": first path segment in URL cannot contain colon`,
  );
  assertEquals(
    urlParseError("https://host:port"),
    `parse "https://host:port": invalid port ":port" after host`,
  );
  assertEquals(
    urlParseError("https://a b/"),
    `parse "https://a b/": invalid character " " in host name`,
  );
  assertEquals(urlParseError("https://h/%zz"), `parse "https://h/%zz": invalid URL escape "%zz"`);
  assertEquals(
    urlParseError("https://h/\n"),
    `parse "https://h/\\n": net/url: invalid control character in URL`,
  );
});

Deno.test("sizes parse as go-humanize and Talos's percentages do", () => {
  assertEquals(humanizeParseBytes("10GiB"), { value: 10 * 1024 ** 3 });
  assertEquals(humanizeParseBytes("1.5 kb"), { value: 1500 });
  assertEquals(humanizeParseBytes("1,000"), { value: 1000 });
  assertEquals(humanizeParseBytes("12 parsecs"), { error: "unhandled size name: parsecs" });
  assertEquals(humanizeParseBytes("GB"), {
    error: `strconv.ParseFloat: parsing "": invalid syntax`,
  });
  assertEquals(parseBlockSize("-1GB", false), { value: 1e9, negative: true, relative: false });
  assertEquals(parseBlockSize("80%", true), { value: 80, negative: false, relative: true });
  assertEquals(parseBlockSize("180%", true), {
    error: "percentage must be between 0 and 100, got 180",
  });
});
