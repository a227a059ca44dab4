/** What the demo's people work on: real CPython paths, checklist uops and commit subjects. */

export const otherPaths = [
  "Objects/listobject.c",
  "Objects/dictobject.c",
  "Objects/typeobject.c",
  "Objects/unicodeobject.c",
  "Lib/asyncio/tasks.py",
  "Lib/pathlib/_local.py",
  "Lib/test/test_asyncio/test_tasks.py",
  "Lib/test/test_pathlib/test_pathlib.py",
  "Lib/typing.py",
  "Lib/test/test_typing.py",
  "Modules/_io/bufferedio.c",
  "Modules/_json.c",
  "Modules/posixmodule.c",
  "Doc/library/asyncio-task.rst",
  "Doc/whatsnew/3.15.rst",
  "Lib/enum.py",
  "Lib/test/test_enum.py",
  "Python/compile.c",
  "Python/codegen.c",
  "Parser/parser.c",
  "Lib/dataclasses.py",
  "Lib/test/test_dataclasses/__init__.py",
  "Tools/build/generate_global_objects.py",
  "PCbuild/pythoncore.vcxproj",
  "Makefile.pre.in",
  "configure.ac",
];

export const middleEndPaths = [
  "Python/optimizer_analysis.c",
  "Python/optimizer_symbols.c",
  "Python/optimizer_bytecodes.c",
];

export const backendPaths = [
  "Python/jit.c",
  "Tools/jit/_stencils.py",
  "Tools/jit/_targets.py",
  "Tools/jit/_optimizers.py",
  "Include/internal/pycore_jit.h",
];

/** The items of gh-134584's checklist, "Eliminate redundant refcounting from …". */
export const refcountUops = [
  "_BINARY_OP_ADD_INT",
  "_BINARY_OP_MULTIPLY_FLOAT",
  "_BINARY_OP_SUBSCR_LIST_INT",
  "_STORE_SUBSCR_LIST_INT",
  "_LOAD_ATTR_INSTANCE_VALUE",
  "_COMPARE_OP_STR",
  "_CONTAINS_OP_DICT",
  "_BINARY_OP_SUBSCR_TUPLE_INT",
  "_UNPACK_SEQUENCE_TWO_TUPLE",
  "_LOAD_ATTR_MODULE",
  "_STORE_ATTR_SLOT",
  "_CALL_LEN",
];

/** The items of gh-145866's checklist, "Leave the inputs of … on the stack for _POP_TOP". */
export const popTopUops = [
  "_STORE_ATTR_INSTANCE_VALUE",
  "_CALL_ISINSTANCE",
  "_BINARY_OP_SUBSCR_DICT",
  "_CALL_LIST_APPEND",
];

export const middleEndTitles = [
  "Propagate constants through _TO_BOOL",
  "Narrow types after _GUARD_TYPE_VERSION",
  "Track tuple lengths in the symbol lattice",
  "Remove redundant guards after _CHECK_VALIDITY",
  "Fold _BINARY_OP on known ints",
  "Teach the optimizer about frozenset",
];

export const backendTitles = [
  "Emit smaller trampolines on AArch64",
  "Use LLVM 20 for stencils",
  "Share the GOT between stencils",
  "Fix unwind info for JIT frames on Windows",
  "Align hot stencils to cache lines",
];

export const frontendTitles = [
  "Record traces through generator frames",
  "Tune the warm-up counters",
  "Stop tracing at unsupported opcodes",
  "Create executors for side exits lazily",
];

/** Subjects of the rest of CPython's work, followed by the module's name. */
export const otherTitles = [
  "Fix a reference leak",
  "Speed up",
  "Add tests for",
  "Document",
  "Deprecate an argument of",
  "Fix a crash in",
];
