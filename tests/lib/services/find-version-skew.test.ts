// Version skew within one environment: which versions run, the majority, and the outliers.
import { describe, expect, it } from "vitest";
import { findVersionSkew } from "../../../lib/services/find-version-skew";

const app = (id: number, version: string | null) => ({ id, release: version === null ? null : { id: id * 10, version } });

describe("findVersionSkew", () => {
  it("sees no skew when every cluster runs one version", () => {
    expect(findVersionSkew([app(1, "1.2.0"), app(2, "1.2.0")])).toEqual({
      versions: [{ version: "1.2.0", applications: 2 }],
      skewed: false,
      majority: "1.2.0",
      outliers: [],
    });
  });

  it("marks the clusters that differ from the version most of them run", () => {
    const skew = findVersionSkew([app(1, "1.2.0"), app(2, "1.3.0"), app(3, "1.3.0"), app(4, "1.1.0")]);
    expect(skew.skewed).toBe(true);
    expect(skew.majority).toBe("1.3.0");
    expect(skew.versions).toEqual([
      { version: "1.3.0", applications: 2 },
      { version: "1.1.0", applications: 1 },
      { version: "1.2.0", applications: 1 },
    ]);
    expect(skew.outliers).toEqual([1, 4]);
  });

  it("ignores applications whose release is unknown, and breaks ties by version", () => {
    expect(findVersionSkew([app(1, null), app(2, "2.0.0")])).toMatchObject({ skewed: false, majority: "2.0.0", outliers: [] });
    expect(findVersionSkew([app(1, "b"), app(2, "a")])).toMatchObject({ skewed: true, majority: "a", outliers: [1] });
    expect(findVersionSkew([])).toEqual({ versions: [], skewed: false, majority: null, outliers: [] });
  });
});
