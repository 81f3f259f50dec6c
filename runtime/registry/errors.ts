/**
 * Confluent Schema Registry error codes. The HTTP status is the code's first three digits
 * (40401 -> 404), except 409 which is its own status, as in Confluent's API.
 */
export const ErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: 40408,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  STORE_ERROR: 50001,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A failure the registry reports to its caller as `{error_code, message}`. The in-process API
 * throws these too, so a caller without HTTP (the validator, connectors) sees the same codes.
 */
export class RegistryError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  /** The HTTP status Confluent answers with for this error code. */
  get httpStatus(): number {
    return httpStatusOf(this.errorCode);
  }

  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export function httpStatusOf(errorCode: number): number {
  return errorCode >= 10000 ? Math.floor(errorCode / 100) : errorCode;
}

export const errors = {
  subjectNotFound: (subject: string) => new RegistryError(ErrorCode.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`),
  versionNotFound: (version: number | string) => new RegistryError(ErrorCode.VERSION_NOT_FOUND, `Version ${version} not found.`),
  schemaNotFound: (id?: number) => new RegistryError(ErrorCode.SCHEMA_NOT_FOUND, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(ErrorCode.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(ErrorCode.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(ErrorCode.VERSION_SOFT_DELETED, `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(ErrorCode.VERSION_NOT_SOFT_DELETED, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`),
  subjectCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`),
  incompatible: (subject: string, messages: readonly string[]) =>
    new RegistryError(
      ErrorCode.INCOMPATIBLE_SCHEMA,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${messages.join('; ')}`,
    ),
  invalidSchema: (reason: string) => new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: ${reason}`),
  invalidVersion: (version: string) =>
    new RegistryError(
      ErrorCode.INVALID_VERSION,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: (given: unknown) =>
    new RegistryError(
      ErrorCode.INVALID_COMPATIBILITY_LEVEL,
      `Invalid compatibility level${given === undefined ? '' : ` ${JSON.stringify(given)}`}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  store: (cause: unknown) =>
    new RegistryError(ErrorCode.STORE_ERROR, `Error in the backend data store: ${cause instanceof Error ? cause.message : String(cause)}`),
};
