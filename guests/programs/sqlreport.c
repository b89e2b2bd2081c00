// SPDX-License-Identifier: GPL-2.0
/*
 * A reporting workload over Debian's SQLite (libsqlite3.a, linked
 * statically): it builds a database file of generated sales rows, then
 * runs reporting queries in a loop, group-by totals, a join, and an ORDER
 * BY ... LIMIT, and prints one checksum per iteration. Each iteration
 * also books a day of new sales, so the checksums change from one
 * iteration to the next and any lost or repeated write shows.
 *
 *   sqlreport DB ROWS ITERATIONS [PAUSE_MS]
 *
 * Everything is generated from fixed seeds: two runs print the same
 * lines on any CPU, natively or as a guest, migrated or not. An existing
 * DB is reopened, and its state checked, instead of built again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>

/* struct: checkpatch does not know SQLite's typedef */
static struct sqlite3 *db;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void die(const char *what)
{
	fprintf(stderr, "sqlreport: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlreport: %s: %s\n", sql, err);
		exit(1);
	}
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* One day's sales: @n rows, from a seed that depends on the day only. */
static void book(int day, int n)
{
	uint64_t s = 0x5eed0000 + day;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "INSERT INTO sales(day, region, product, qty, cents) VALUES (?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		die("prepare insert");
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int(st, 1, day);
		sqlite3_bind_int(st, 2, lcg(&s) % 12);
		sqlite3_bind_int(st, 3, lcg(&s) % 200);
		sqlite3_bind_int(st, 4, 1 + lcg(&s) % 20);
		sqlite3_bind_int64(st, 5, 99 + lcg(&s) % 100000);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("insert");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static void build(int rows)
{
	static const char *const cat[] = { "tools", "garden", "kitchen", "toys", "books" };
	char sql[256];

	exec("CREATE TABLE products(id INTEGER PRIMARY KEY, name TEXT, category TEXT)");
	exec("CREATE TABLE sales(id INTEGER PRIMARY KEY, day INT, region INT, product INT, qty INT, cents INT)");
	exec("CREATE TABLE progress(day INT)");
	exec("BEGIN");
	for (int i = 0; i < 200; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO products VALUES (%d, 'p%03d', '%s')",
			 i, i, cat[(i * 7) % 5]);
		exec(sql);
	}
	book(0, rows);
	exec("CREATE INDEX sales_day ON sales(day)");
	exec("INSERT INTO progress VALUES (0)");
	exec("COMMIT");
}

/* FNV-1a over every row of a query's result, as text */
static uint64_t query_sum(const char *sql, uint64_t h)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			for (; t && *t; t++) {
				h ^= *t;
				h *= 0x100000001b3ULL;
			}
			h ^= '|';
			h *= 0x100000001b3ULL;
		}
	}
	if (rc != SQLITE_DONE)
		die(sql);
	sqlite3_finalize(st);
	return h;
}

static int last_day(void)
{
	sqlite3_stmt *st;
	int day;

	if (sqlite3_prepare_v2(db, "SELECT max(day) FROM progress", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		die("progress");
	day = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return day;
}

int main(int argc, char **argv)
{
	static const char *const reports[] = {
		"SELECT region, count(*), sum(qty), sum(qty * cents) FROM sales GROUP BY region ORDER BY region",
		"SELECT p.category, sum(s.qty * s.cents), avg(s.qty) FROM sales s JOIN products p ON p.id = s.product GROUP BY p.category ORDER BY 2 DESC",
		"SELECT id, day, product, qty * cents AS v FROM sales ORDER BY v DESC, id LIMIT 10",
		"SELECT day, count(*) FROM sales WHERE day > 0 GROUP BY day ORDER BY day DESC LIMIT 5",
	};
	struct timespec pause = { 0, 0 };
	int rows, iters, day;

	if (argc < 4) {
		fprintf(stderr, "usage: sqlreport DB ROWS ITERATIONS [PAUSE_MS]\n");
		return 2;
	}
	rows = atoi(argv[2]);
	iters = atoi(argv[3]);
	if (argc > 4) {
		pause.tv_sec = atoi(argv[4]) / 1000;
		pause.tv_nsec = (atoi(argv[4]) % 1000) * 1000000L;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(argv[1]);
	if (sqlite3_table_column_metadata(db, NULL, "progress", "day", NULL, NULL,
					  NULL, NULL, NULL) != SQLITE_OK)
		build(rows);
	day = last_day();
	printf("sqlreport: SQLite %s, %s, day %d\n", sqlite3_libversion(), argv[1], day);
	while (day < iters) {
		uint64_t h = 0xcbf29ce484222325ULL;

		char sql[64];

		/* A day's sales and the progress mark commit together. */
		day++;
		exec("BEGIN");
		book(day, rows / 20);
		snprintf(sql, sizeof(sql), "UPDATE progress SET day = %d", day);
		exec(sql);
		exec("COMMIT");
		for (size_t q = 0; q < ARRAY_SIZE(reports); q++)
			h = query_sum(reports[q], h);
		printf("iteration %d checksum %016" PRIx64 "\n", day, h);
		if (pause.tv_sec || pause.tv_nsec)
			nanosleep(&pause, NULL);
	}
	printf("sqlreport: integrity %s\n",
	       query_sum("PRAGMA integrity_check", 0) ==
	       query_sum("SELECT 'ok'", 0) ? "ok" : "FAILED");
	sqlite3_close(db);
	return 0;
}
