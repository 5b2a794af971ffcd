/**
 * A small JSON Schema (2020-12 subset) checker for the simulator's scenarios.
 *
 * Supports what scenario.schema.json uses: type, properties, required,
 * additionalProperties, items, enum, pattern, minimum, minLength, minItems and
 * local $ref ("#/$defs/..."). Any other keyword in the schema is an error, so
 * the schema cannot silently promise a check this code does not make.
 */

const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"]);
const KEYWORDS = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "pattern",
  "minimum", "minLength", "minItems", "$ref",
]);

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value, type) {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** "/campaigns/0/mode" style pointer for error messages. */
const pointer = (path) => (path.length ? "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/") : "(top level)");

/**
 * Check `value` against `schema`.
 * @returns {{path: string, message: string}[]} every problem found (empty: valid)
 */
export function validate(value, schema) {
  const problems = [];
  const resolve = (ref) => {
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    const target = match && schema.$defs?.[match[1]];
    if (!target) throw new Error(`schema: cannot resolve $ref ${ref}`);
    return target;
  };

  function check(node, rule, path) {
    for (const key of Object.keys(rule)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`schema: unsupported keyword ${key} at ${pointer(path)}`);
    }
    if (rule.$ref) return check(node, resolve(rule.$ref), path);
    const where = pointer(path);
    if (rule.type) {
      const types = Array.isArray(rule.type) ? rule.type : [rule.type];
      if (!types.some((t) => matchesType(node, t))) {
        problems.push({ path: where, message: `must be ${types.join(" or ")}, not ${typeOf(node)}` });
        return;
      }
    }
    if (rule.enum && !rule.enum.some((option) => JSON.stringify(option) === JSON.stringify(node))) {
      problems.push({ path: where, message: `must be one of ${rule.enum.map((o) => JSON.stringify(o)).join(", ")}, not ${JSON.stringify(node)}` });
    }
    if (typeof node === "string") {
      if (rule.minLength !== undefined && node.length < rule.minLength) {
        problems.push({ path: where, message: rule.minLength === 1 ? "must not be empty" : `must have at least ${rule.minLength} characters` });
      }
      if (rule.pattern && !new RegExp(rule.pattern, "u").test(node)) {
        problems.push({ path: where, message: `${JSON.stringify(node)} does not match ${rule.pattern}` });
      }
    }
    if (typeof node === "number" && rule.minimum !== undefined && node < rule.minimum) {
      problems.push({ path: where, message: `must be at least ${rule.minimum}, not ${node}` });
    }
    if (Array.isArray(node)) {
      if (rule.minItems !== undefined && node.length < rule.minItems) {
        problems.push({ path: where, message: `must have at least ${rule.minItems} item(s)` });
      }
      if (rule.items) node.forEach((item, i) => check(item, rule.items, [...path, i]));
    }
    if (typeOf(node) === "object") {
      for (const key of rule.required ?? []) {
        if (!Object.hasOwn(node, key)) problems.push({ path: pointer([...path, key]), message: "is required" });
      }
      for (const [key, child] of Object.entries(node)) {
        if (rule.properties && Object.hasOwn(rule.properties, key)) {
          check(child, rule.properties[key], [...path, key]);
        } else if (rule.additionalProperties === false) {
          const known = Object.keys(rule.properties ?? {}).join(", ");
          problems.push({ path: pointer([...path, key]), message: `is not a known key (known: ${known})` });
        } else if (typeof rule.additionalProperties === "object") {
          check(child, rule.additionalProperties, [...path, key]);
        }
      }
    }
  }

  check(value, schema, []);
  return problems;
}
