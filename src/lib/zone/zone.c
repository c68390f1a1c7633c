/* in progress */
#include "signet/rr.h"
