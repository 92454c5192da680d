import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddressHeaders,
  parseTrustProxy,
  socketAddress,
  stampClientAddress,
} from "./client-address";

describe("stampClientAddress", () => {
  it("replaces a value the client sent with the socket's address", () => {
    const headers: IncomingHttpHeaders = {
      [CLIENT_ADDRESS_HEADER]: "10.9.9.9",
      "x-forwarded-for": "10.8.8.8",
    };
    stampClientAddress(headers, "127.0.0.2", []);
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.2");
    // X-Forwarded-For is left alone: it is simply never read.
    expect(headers["x-forwarded-for"]).toBe("10.8.8.8");
  });

  it("unwraps IPv4-mapped IPv6 addresses, keeps real IPv6 ones", () => {
    const headers: IncomingHttpHeaders = {};
    stampClientAddress(headers, "::ffff:127.0.0.3", []);
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.3");
    stampClientAddress(headers, "2001:db8::1", []);
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("2001:db8::1");
  });

  it("strips the header when a proxy is trusted or the socket has no address", () => {
    const proxied: IncomingHttpHeaders = { [CLIENT_ADDRESS_HEADER]: "10.9.9.9" };
    stampClientAddress(proxied, "127.0.0.2", ["x-real-ip"]);
    expect(proxied).not.toHaveProperty(CLIENT_ADDRESS_HEADER);
    const closed: IncomingHttpHeaders = { [CLIENT_ADDRESS_HEADER]: "10.9.9.9" };
    stampClientAddress(closed, undefined, []);
    expect(closed).not.toHaveProperty(CLIENT_ADDRESS_HEADER);
  });
});

describe("clientAddressHeaders", () => {
  it("reads the proxy's headers when TRUST_PROXY names them", () => {
    expect(clientAddressHeaders(["x-real-ip", "cf-connecting-ip"], true)).toEqual([
      "x-real-ip",
      "cf-connecting-ip",
    ]);
  });
  it("reads the stamped header when the server stamps it", () => {
    expect(clientAddressHeaders([], true)).toEqual([CLIENT_ADDRESS_HEADER]);
  });
  it("reads nothing otherwise (a bare `next start`: nobody overwrites the header)", () => {
    expect(clientAddressHeaders([], false)).toEqual([]);
  });
});

describe("parseTrustProxy", () => {
  it.each([
    [undefined, []],
    ["", []],
    [" OFF ", []],
    ["X-Real-IP", ["x-real-ip"]],
    ["x-real-ip, cf-connecting-ip", ["x-real-ip", "cf-connecting-ip"]],
  ])("%j → %j", (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });
  it.each(["on", "true", "1", "x real ip", "x-real-ip,"])("refuses %j", (raw) => {
    expect(parseTrustProxy(raw)).toBeNull();
  });
});

describe("socketAddress", () => {
  it("is undefined for a missing address", () => {
    expect(socketAddress(undefined)).toBeUndefined();
    expect(socketAddress("")).toBeUndefined();
  });
});
