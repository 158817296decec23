import { arrayOf, boolean, nonEmptyString, nullable, objectWith, optional, record, type Shape, string, unknownValue } from '../internal/shape.js';

/**
 * The parts of Qwen Code's settings.json that qwen-auth consumes, checked at
 * the boundary. These shapes are private: public types are plain interfaces.
 * A leaf may be `null`, which, like an empty string, unsets a value from a
 * lower scope.
 */
export const settingString: Shape = nullable(string);
export const settingBoolean: Shape = nullable(boolean);
export const settingStringList: Shape = arrayOf(string);
export const settingObject: Shape = record;

export const modelProviderEntry: Shape = objectWith({
  id: nonEmptyString,
  name: optional(string),
  baseUrl: optional(string),
  envKey: optional(string),
  wireApi: optional(string),
});

export const modelProviderList: Shape = arrayOf(unknownValue);
