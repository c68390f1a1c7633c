/* in progress */
#include "server/answer.h"
