import { registryImage } from "../../lib/azure/registry";
import { parseImage } from "../../lib/image";

describe("Azure registry image references", () => {
  it("splits host, repository and tag or digest the way Docker does", () => {
    expect(parseImage("ghcr.io/example/shop:1.0.0")).toEqual({
      host: "ghcr.io",
      repository: "example/shop",
      version: ":1.0.0",
    });
    expect(parseImage("localhost:5000/shop@sha256:abc")).toEqual({
      host: "localhost:5000",
      repository: "shop",
      version: "@sha256:abc",
    });
    expect(parseImage("library/nginx")).toEqual({ host: undefined, repository: "library/nginx", version: "" });
    expect(parseImage("nginx:1.27")).toEqual({ host: undefined, repository: "nginx", version: ":1.27" });
  });

  it("pulls the same repository and tag or digest from the environment's registry", () => {
    const acr = "crshopprod123abc.azurecr.io";
    expect(registryImage("ghcr.io/example/shop:1.0.0", acr)).toBe(`${acr}/example/shop:1.0.0`);
    expect(registryImage("registry.example.net/shop@sha256:abc", acr)).toBe(`${acr}/shop@sha256:abc`);
    expect(registryImage("nginx:1.27", acr)).toBe(`${acr}/nginx:1.27`);
    expect(registryImage(`${acr}/shop:2`, acr)).toBe(`${acr}/shop:2`);
  });
});
