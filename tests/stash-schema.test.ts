/**
 * Every document the client sends must be valid against the fake's subset schema and, when the
 * real Stash schema is available next to the project, against that too; and the subset must not
 * drift from the real schema (same names, same type strings).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { ALL_DOCUMENTS } from '../src/core/stash/documents';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const subsetPath = path.resolve(projectRoot, 'tools/fake-stash/stash-subset.graphql');
const realPath = path.resolve(projectRoot, '../shared/stash/schema.graphql');
const haveReal = existsSync(realPath);

function load(file: string): GraphQLSchema {
  return buildSchema(readFileSync(file, 'utf8'));
}

function validationErrors(schema: GraphQLSchema, doc: string): string[] {
  return validate(schema, parse(doc)).map((e) => e.message);
}

const documents = Object.entries(ALL_DOCUMENTS);

describe('documents against the fake subset schema', () => {
  const subset = load(subsetPath);
  it('has documents to check', () => {
    expect(documents.length).toBeGreaterThan(0);
  });
  it.each(documents)('%s validates against stash-subset.graphql', (_name, doc) => {
    expect(validationErrors(subset, doc)).toEqual([]);
  });
});

const skipNote = haveReal ? '' : ' (skipped: ../shared/stash/schema.graphql not found)';

describe.skipIf(!haveReal)(`documents and subset against the real Stash schema${skipNote}`, () => {
  // Read at run time: the real schema is a reference kept outside the project, never a copy in it.
  const real = haveReal ? load(realPath) : (null as unknown as GraphQLSchema);
  const subset = load(subsetPath);

  it.each(documents)('%s validates against the real schema', (_name, doc) => {
    expect(validationErrors(real, doc)).toEqual([]);
  });

  it('declares only types, fields, arguments and enum values the real schema has, with identical types', () => {
    const problems: string[] = [];
    for (const type of Object.values(subset.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const other = real.getType(type.name);
      if (!other) {
        problems.push(`type ${type.name} is not in the real schema`);
        continue;
      }
      if (other.constructor !== type.constructor) {
        problems.push(`type ${type.name} is a ${type.constructor.name} here, ${other.constructor.name} in Stash`);
        continue;
      }
      if (isScalarType(type) || isUnionType(type)) continue;
      if (isEnumType(type) && isEnumType(other)) {
        const values = new Set(other.getValues().map((v) => v.name));
        for (const v of type.getValues()) if (!values.has(v.name)) problems.push(`enum value ${type.name}.${v.name} missing`);
        continue;
      }
      if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(other) || isInterfaceType(other))) {
        const realFields = other.getFields();
        for (const field of Object.values(type.getFields())) {
          const rf = realFields[field.name];
          if (!rf) {
            problems.push(`field ${type.name}.${field.name} missing`);
            continue;
          }
          if (String(rf.type) !== String(field.type)) {
            problems.push(`field ${type.name}.${field.name}: ${String(field.type)} here, ${String(rf.type)} in Stash`);
          }
          for (const arg of field.args) {
            const ra = rf.args.find((a) => a.name === arg.name);
            if (!ra) problems.push(`argument ${type.name}.${field.name}(${arg.name}) missing`);
            else if (String(ra.type) !== String(arg.type)) {
              problems.push(`argument ${type.name}.${field.name}(${arg.name}): ${String(arg.type)} here, ${String(ra.type)} in Stash`);
            }
          }
          // A required argument the subset leaves out would let an invalid document through.
          for (const ra of rf.args) {
            if (isNonNullType(ra.type) && ra.defaultValue === undefined && !field.args.some((a) => a.name === ra.name)) {
              problems.push(`required argument ${type.name}.${field.name}(${ra.name}) not declared`);
            }
          }
        }
        continue;
      }
      if (isInputObjectType(type) && isInputObjectType(other)) {
        const realFields = other.getFields();
        const mine = type.getFields();
        for (const field of Object.values(mine)) {
          const rf = realFields[field.name];
          if (!rf) problems.push(`input field ${type.name}.${field.name} missing`);
          else if (String(rf.type) !== String(field.type)) {
            problems.push(`input field ${type.name}.${field.name}: ${String(field.type)} here, ${String(rf.type)} in Stash`);
          }
        }
        for (const rf of Object.values(realFields)) {
          if (isNonNullType(rf.type) && rf.defaultValue === undefined && !mine[rf.name]) {
            problems.push(`required input field ${type.name}.${rf.name} not declared`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the root query fields the fake serves', () => {
    const fields = Object.keys(subset.getQueryType()?.getFields() ?? {}).sort();
    expect(fields).toEqual(['findPerformers', 'findSceneMarkers', 'findScenes', 'findStudios', 'findTags', 'systemStatus', 'version']);
  });
});
