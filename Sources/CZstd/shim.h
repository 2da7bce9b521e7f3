// The system's Zstandard library (Debian: libzstd-dev), for `synccli events export` and `import`.
#include <zstd.h>
