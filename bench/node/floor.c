/* The floor for one node sample: read the same files and list the same directories, nothing else.
   usage: floor PATHS_FILE ITERATIONS   (PATHS_FILE lines: "F /path" to read, "D /path" to list) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: floor PATHS_FILE ITERATIONS\n"); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    static char lines[20000][512];
    int n = 0;
    while (n < 20000 && fgets(lines[n], sizeof lines[n], f)) { lines[n][strcspn(lines[n], "\n")] = 0; n++; }
    fclose(f);
    int iterations = atoi(argv[2]);
    static char buf[65536];
    double *ms = calloc(iterations, sizeof(double));
    long bytes = 0;
    for (int it = 0; it < iterations; it++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
            const char *p = lines[i] + 2;
            if (lines[i][0] == 'D') {
                DIR *d = opendir(p);
                if (d) { while (readdir(d)) {} closedir(d); }
            } else {
                int fd = open(p, O_RDONLY);
                if (fd < 0) continue;
                ssize_t r;
                while ((r = read(fd, buf, sizeof buf)) > 0) bytes += r;
                close(fd);
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[it] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    }
    /* median */
    for (int i = 1; i < iterations; i++) { double v = ms[i]; int j = i - 1; while (j >= 0 && ms[j] > v) { ms[j + 1] = ms[j]; j--; } ms[j + 1] = v; }
    printf("floor (C): %d paths, median %.3f ms, min %.3f ms over %d iterations (%ld bytes read)\n", n, ms[iterations / 2], ms[0], iterations, bytes / iterations);
    return 0;
}
