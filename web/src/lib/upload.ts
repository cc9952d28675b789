import { authorization, problemFrom, ApiProblem } from './api';

/**
 * Sends a submission with XMLHttpRequest, the one browser API that reports upload progress.
 * `onProgress` gets the fraction sent (0..1).
 */
export function uploadSubmission<T>(
  manifest: string,
  file: Blob,
  fileName: string,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: T }> {
  const form = new FormData();
  form.append('manifest', manifest);
  form.append('file', file, fileName);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/v1/documents');
    for (const [name, value] of Object.entries(authorization())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve({ status: request.status, body: JSON.parse(request.responseText) as T });
      } else reject(problemFrom(request.status, request.responseText));
    };
    const interrupted = () =>
      reject(
        new ApiProblem(
          0,
          'upload_interrupted',
          'The upload was interrupted before the service answered. Nothing half-sent is kept: send it again (it will not be stored twice).',
        ),
      );
    request.onerror = interrupted;
    request.onabort = interrupted;
    request.send(form);
  });
}
