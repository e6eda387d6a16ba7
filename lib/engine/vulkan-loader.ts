/** The Vulkan loader Dawn (the webgpu package) opens by name at run time. */
export const VULKAN_LOADER = 'libvulkan.so.1';

/**
 * Dawn loads libvulkan.so.1 by name at run time and only logs a warning when it is missing, so the
 * loader is looked for the same way first (dlopen through Node): a library that is not a Node addon
 * loads and then fails to "self-register", which means it is there.
 */
export function vulkanLoaderError(library = VULKAN_LOADER): string | null {
  try {
    process.dlopen({ exports: {} }, library);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    return /cannot open shared object file|no such file/i.test(msg) ? msg.split('\n')[0] : null;
  }
}
