/* Subcommands of the signet tool. Each takes argv with argv[0] = its name
 * and returns the process exit code. */
#ifndef SIGNET_TOOLS_COMMANDS_H
#define SIGNET_TOOLS_COMMANDS_H

int cmd_zone(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_ds(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

#endif
