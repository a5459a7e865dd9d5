import { PorchlightError } from './types.js';

/** Constraints for a therapy call: the front camera at a modest size and echo-cancelled audio. */
const CALL_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
};

/**
 * Asks for camera and microphone.
 *
 * @throws {PorchlightError} with code `media-denied`, `media-not-found`, `media-in-use` or
 * `media-failed`, mapped from the `DOMException` name that `getUserMedia` rejects with.
 */
export async function requestCallMedia(
  options: { audioOnly?: boolean } = {},
): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new PorchlightError(
      'media-failed',
      'This page cannot use the camera: it must be opened over https or on localhost',
    );
  }
  try {
    const constraints = options.audioOnly ? { audio: CALL_CONSTRAINTS.audio } : CALL_CONSTRAINTS;
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (cause) {
    const name = cause instanceof DOMException ? cause.name : '';
    switch (name) {
      case 'NotAllowedError':
      case 'SecurityError':
        throw new PorchlightError('media-denied', 'Camera and microphone permission was denied', { cause });
      case 'NotFoundError':
      case 'OverconstrainedError':
        throw new PorchlightError('media-not-found', 'No camera or microphone was found', { cause });
      case 'NotReadableError':
      case 'AbortError':
        throw new PorchlightError('media-in-use', 'The camera or microphone is in use by another application', { cause });
      default:
        throw new PorchlightError('media-failed', `Could not start camera and microphone: ${name || 'unknown error'}`, { cause });
    }
  }
}

/** Stops every track of a stream, which turns the camera light off. */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Cameras and microphones the page may use, by kind. Labels are empty before permission. */
export async function listMediaDevices(): Promise<{
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}> {
  const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  return {
    cameras: devices.filter((device) => device.kind === 'videoinput' && device.deviceId !== ''),
    microphones: devices.filter((device) => device.kind === 'audioinput' && device.deviceId !== ''),
  };
}
