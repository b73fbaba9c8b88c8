import { badRequest, OperationOutcomeError } from '@medplum/core';
import type { Operation } from 'rfc6902';
import { applyPatch, Pointer } from 'rfc6902';

/** One JSON Patch (RFC 6902) operation. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * Applies a JSON Patch document to a copy of `target` and returns the copy.
 * The whole patch fails (nothing is applied) when any operation fails; the error is an
 * `OperationOutcomeError` carrying a 400 outcome.
 *
 * The operations are applied by `rfc6902`. Before each one the peer checks what that library
 * leaves loose (see `checkPointer`), and a `move` is applied as the remove and add that RFC 6902
 * defines it to be.
 */
export function applyJsonPatch<T>(target: T, operations: unknown): T {
  if (!Array.isArray(operations)) {
    throw invalid('Patch body must be a JSON array of operations');
  }
  const checked = operations.map(checkOperation);
  // rfc6902 edits in place through a value's parent, so the root gets one: `''` becomes `/root`.
  const document = { root: structuredClone(target) as unknown };
  checked.forEach((operation, index) => {
    for (const step of steps(document.root, operation, index)) {
      checkStep(document.root, step, index);
      const [error] = applyPatch(document, [rooted(step)]);
      if (error) {
        throw invalid(
          error.name === 'TestError'
            ? `Patch test failed at ${operation.path}`
            : `Patch operation ${index} (${operation.op}) failed: ${error.message}`
        );
      }
    }
  });
  return document.root as T;
}

function checkOperation(operation: unknown, index: number): JsonPatchOperation {
  const candidate = operation as Partial<JsonPatchOperation> | null;
  const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
  if (!candidate || typeof candidate !== 'object' || !ops.includes(candidate.op as string)) {
    throw invalid(`Patch operation ${index} has no valid "op"`);
  }
  if (typeof candidate.path !== 'string') {
    throw invalid(`Patch operation ${index} has no "path"`);
  }
  if ((candidate.op === 'move' || candidate.op === 'copy') && typeof candidate.from !== 'string') {
    throw invalid(`Patch operation ${index} (${candidate.op}) has no "from"`);
  }
  if (['add', 'replace', 'test'].includes(candidate.op as string) && !('value' in candidate)) {
    throw invalid(`Patch operation ${index} (${candidate.op}) has no "value"`);
  }
  for (const pointer of [candidate.path, candidate.from]) {
    if (pointer !== undefined && pointer !== '' && !pointer.startsWith('/')) {
      throw invalid(`Invalid JSON pointer: ${pointer}`);
    }
  }
  if (candidate.op === 'remove' && candidate.path === '') {
    throw invalid('Cannot remove the whole resource');
  }
  return candidate as JsonPatchOperation;
}

/** `operation` as the operations rfc6902 applies. */
function steps(root: unknown, operation: JsonPatchOperation, index: number): JsonPatchOperation[] {
  const { op, path, from } = operation;
  if (op !== 'move' || from === undefined) {
    return [operation];
  }
  // rfc6902 neither refuses this nor evaluates `path` after removing `from`, as RFC 6902 requires.
  if (path.startsWith(`${from}/`)) {
    throw invalid(`Cannot move ${from} into its own child ${path}`);
  }
  checkPointer(root, from, false, index);
  return [
    { op: 'remove', path: from },
    { op: 'add', path, value: Pointer.fromJSON(from).get(root) },
  ];
}

/** Refuses `step` unless its pointers resolve strictly in `root` as it is now. */
function checkStep(root: unknown, step: JsonPatchOperation, index: number): void {
  if (step.from !== undefined) {
    checkPointer(root, step.from, false, index);
  }
  checkPointer(root, step.path, step.op === 'add' || step.op === 'copy', index);
}

const skippedTokens = new Set(['__proto__', 'constructor', 'prototype']);
const arrayIndex = /^(0|[1-9]\d*)$/;

/**
 * Refuses a pointer that rfc6902 would resolve loosely: through inherited members (it would write
 * into `Object.prototype.toString` for `/toString/x`), through array keys that are not indices
 * (`/name/length`) or past an array's end (it appends instead), and through the tokens it silently
 * skips. With `creates`, the last token may name a new member or the end of an array (`-`).
 */
function checkPointer(root: unknown, pointer: string, creates: boolean, index: number): void {
  const tokens = Pointer.fromJSON(pointer).tokens.slice(1);
  let current = root;
  tokens.forEach((token, i) => {
    const creating = creates && i === tokens.length - 1;
    if (skippedTokens.has(token)) {
      throw invalid(`Patch operation ${index}: ${pointer} names "${token}"`);
    }
    if (Array.isArray(current)) {
      const end = current.length + (creating ? 1 : 0);
      if (!(creating && token === '-') && !(arrayIndex.test(token) && Number(token) < end)) {
        throw invalid(`Patch operation ${index}: ${pointer} is not a position in the array`);
      }
      current = current[Number(token)];
    } else if (current && typeof current === 'object' && (creating || Object.hasOwn(current, token))) {
      current = (current as Record<string, unknown>)[token];
    } else {
      throw invalid(`Patch operation ${index}: path not found: ${pointer}`);
    }
  });
}

function rooted(operation: JsonPatchOperation): Operation {
  const from = operation.from === undefined ? undefined : { from: `/root${operation.from}` };
  return { ...operation, path: `/root${operation.path}`, ...from } as Operation;
}

function invalid(message: string): OperationOutcomeError {
  return new OperationOutcomeError(badRequest(message));
}
