// The web tier's API as the console calls it: the API key (kept for this browser tab) on every request, and problem
// details turned into errors that say what went wrong.
const keyName = 'facerec-api-key';

export const apiKey = {
  get: () => sessionStorage.getItem(keyName) ?? '',
  set: (key) => key ? sessionStorage.setItem(keyName, key) : sessionStorage.removeItem(keyName),
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export async function api(path, options = {}) {
  const headers = new Headers(options.headers ?? {});
  if (apiKey.get()) headers.set('X-Api-Key', apiKey.get());
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      detail = problem.detail ?? problem.title ?? detail;
    } catch { /* not JSON */ }
    if (response.status === 401) detail += ' Sign in with the API key above.';
    throw new ApiError(response.status, detail);
  }
  return response;
}

export const json = async (path, options) => (await api(path, options)).json();

export function form(field, files) {
  const data = new FormData();
  for (const file of files) data.append(field, file, file.name);
  return data;
}

// An image the API serves (a thumbnail), fetched with the key so that it works when the API asks for one.
export async function imageUrl(path) {
  return URL.createObjectURL(await (await api(path)).blob());
}
