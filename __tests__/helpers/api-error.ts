/** An answer's error body as the API writes it (OpenAI's shape): `code` is the API's name for the failure, `param` the field or null. */
export const apiError = (code: string, message: unknown, param: string | null = null) => ({
  error: { message, type: expect.any(String), param, code },
});
