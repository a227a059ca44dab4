import { describe, expect, it } from "vitest";
import { plainTitle, splitInlineCode } from "../../app/stewardship/inline-code";

describe("splitInlineCode", () => {
  it.each([
    [
      "gh-134584: Eliminate redundant refcounting from `_BINARY_OP_ADD_INT`",
      [
        { code: false, text: "gh-134584: Eliminate redundant refcounting from " },
        { code: true, text: "_BINARY_OP_ADD_INT" },
      ],
    ],
    [
      "`_POP_TOP` and `_POP_TWO` (#140123)",
      [
        { code: true, text: "_POP_TOP" },
        { code: false, text: " and " },
        { code: true, text: "_POP_TWO" },
        { code: false, text: " (#140123)" },
      ],
    ],
    ["No code here", [{ code: false, text: "No code here" }]],
    ["An unpaired ` backtick", [{ code: false, text: "An unpaired ` backtick" }]],
    ["Empty `` pair", [{ code: false, text: "Empty `` pair" }]],
    [
      "<script>alert(1)</script> in `<b>`",
      [
        { code: false, text: "<script>alert(1)</script> in " },
        { code: true, text: "<b>" },
      ],
    ],
  ])("%s", (title, parts) => {
    expect(splitInlineCode(title)).toEqual(parts);
  });

  it("plainTitle drops the backticks as GitHub's rendering does", () => {
    expect(plainTitle("Remove refcounting from `_LOAD_ATTR_SLOT`")).toBe("Remove refcounting from _LOAD_ATTR_SLOT");
  });
});
