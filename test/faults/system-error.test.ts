/**
 * Each file-system refusal a user can meet becomes SPOC020 with the path (relative to the
 * project) and a fix; EACCES cannot be provoked as root, so the mapping is checked here on the
 * errors Node.js throws.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { fileAccessError } from "../../src/system-error.ts";

function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

describe("fileAccessError", () => {
  it.each([
    ["EACCES", "open", "permission denied", "give your user access to generated/registry.ts"],
    ["EPERM", "rename", "operation not permitted", "immutable"],
    ["EROFS", "open", "read-only", "writable file system"],
    ["EISDIR", "open", "it is a folder", "remove or rename the folder generated/registry.ts"],
    ["ENOTDIR", "scandir", "a part of the path is a file", "a folder"],
    ["ELOOP", "stat", "a symbolic link loops", "point the link generated/registry.ts at a real file"],
    ["ENOSPC", "write", "no space left", "free some disk space"],
  ])("%s: the path, what is wrong, what to do", (code, syscall, what, fix) => {
    const error = fileAccessError(systemError(code, syscall, "/p/generated/registry.ts"), "/p");
    expect(error?.code).toBe(ErrorCode.FileAccess);
    expect(error?.message).toContain("generated/registry.ts");
    expect(error?.message).not.toContain("/p/");
    expect(error?.message).toContain(what);
    expect(error?.message).toContain(`(${code})`);
    expect(error?.hint).toContain(fix);
  });

  it("leaves errors that are not the system's alone: those are bugs", () => {
    expect(fileAccessError(new Error("boom"))).toBeUndefined();
    expect(fileAccessError(new TypeError("x is undefined"))).toBeUndefined();
  });
});
