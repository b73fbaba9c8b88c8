import { badRequest, deepEquals, OperationOutcomeError } from '@medplum/core';

/** One JSON Patch (RFC 6902) operation. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

/**
 * Applies a JSON Patch document to a copy of `target` and returns the copy.
 * The whole patch fails (nothing is applied) when any operation fails; the error is an
 * `OperationOutcomeError` carrying a 400 outcome.
 */
export function applyJsonPatch<T>(target: T, operations: unknown): T {
  if (!Array.isArray(operations)) {
    throw invalid('Patch body must be a JSON array of operations');
  }
  let document: unknown = structuredClone(target);
  operations.forEach((operation: unknown, index) => {
    document = applyOperation(document, checkOperation(operation, index));
  });
  return document as T;
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
  return candidate as JsonPatchOperation;
}

function applyOperation(document: unknown, operation: JsonPatchOperation): unknown {
  switch (operation.op) {
    case 'add':
      return add(document, operation.path, structuredClone(operation.value));
    case 'remove':
      return remove(document, operation.path).document;
    case 'replace':
      return add(remove(document, operation.path).document, operation.path, structuredClone(operation.value));
    case 'move': {
      const from = operation.from as string;
      if (operation.path.startsWith(from + '/')) {
        throw invalid(`Cannot move ${from} into its own child ${operation.path}`);
      }
      const removed = remove(document, from);
      return add(removed.document, operation.path, removed.value);
    }
    case 'copy':
      return add(document, operation.path, structuredClone(get(document, operation.from as string)));
    case 'test':
      if (!deepEquals(get(document, operation.path), operation.value)) {
        throw invalid(`Patch test failed at ${operation.path}`);
      }
      return document;
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw invalid(`Invalid JSON pointer: ${pointer}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function get(document: unknown, pointer: string): unknown {
  let current = document;
  for (const token of parsePointer(pointer)) {
    current = child(current, token, pointer);
  }
  return current;
}

function child(container: unknown, token: string, pointer: string): unknown {
  if (Array.isArray(container)) {
    const index = arrayIndex(container, token, pointer, false);
    return container[index];
  }
  if (container && typeof container === 'object' && Object.hasOwn(container, token)) {
    return (container as Record<string, unknown>)[token];
  }
  throw invalid(`Path not found: ${pointer}`);
}

function arrayIndex(array: unknown[], token: string, pointer: string, inserting: boolean): number {
  if (inserting && token === '-') {
    return array.length;
  }
  if (!/^(0|[1-9]\d*)$/.test(token)) {
    throw invalid(`Invalid array index in ${pointer}`);
  }
  const index = Number(token);
  if (index > array.length || (!inserting && index === array.length)) {
    throw invalid(`Array index out of bounds: ${pointer}`);
  }
  return index;
}

function parentOf(document: unknown, pointer: string): { parent: Container; token: string } {
  const tokens = parsePointer(pointer);
  const token = tokens.pop() as string;
  let parent = document;
  for (const [i, step] of tokens.entries()) {
    parent = child(parent, step, '/' + tokens.slice(0, i + 1).join('/'));
  }
  if (!parent || typeof parent !== 'object') {
    throw invalid(`Path not found: ${pointer}`);
  }
  return { parent: parent as Container, token };
}

function add(document: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') {
    return value;
  }
  const { parent, token } = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, token, pointer, true), 0, value);
  } else {
    parent[token] = value;
  }
  return document;
}

function remove(document: unknown, pointer: string): { document: unknown; value: unknown } {
  if (pointer === '') {
    throw invalid('Cannot remove the whole resource');
  }
  const { parent, token } = parentOf(document, pointer);
  const value = child(parent, token, pointer);
  if (Array.isArray(parent)) {
    parent.splice(Number(token), 1);
  } else {
    delete parent[token];
  }
  return { document, value };
}

function invalid(message: string): OperationOutcomeError {
  return new OperationOutcomeError(badRequest(message));
}
