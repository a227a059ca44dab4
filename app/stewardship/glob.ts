/**
 * Compiles the small glob language of the stage configuration to a RegExp: `**` crosses directories,
 * `*` and `?` stay within one path segment, everything else is literal. Paths are repository-relative
 * with forward slashes, as git prints them.
 */
export function globToRegExp(glob: string): RegExp {
  let pattern = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? "";
    if (char === "*" && glob[i + 1] === "*") {
      const slashAfter = glob[i + 2] === "/";
      // `dir/**/x` matches `dir/x` too; a trailing `dir/**` matches everything under dir.
      pattern += slashAfter ? "(?:.*/)?" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (char === "*") {
      pattern += "[^/]*";
    } else if (char === "?") {
      pattern += "[^/]";
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${pattern}$`);
}
