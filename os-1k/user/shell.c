/*
 * shell.c - the shell (pid 1) and the programs of its menu.  Each program
 * runs as a process of its own (spawn), in ring 3, and the shell waits
 * for it to end; the shell's own end (menu entry 0, or the end of input)
 * is the end of the system.
 *
 * Two hidden entries exist for the tests (tests/os-1k/):
 *   f  starts fault_program (start.S), which the kernel kills;
 *   s  starts a spinner in the background that loops forever without a
 *      system call, and returns to the menu at once: the shell and the
 *      other programs keep running only because the timer preempts it.
 */
#include "ulib.h"

#define LINE 128

/* 1 */
static int multiplication(void)
{
	for (int i = 2; i <= 9; i++)
		for (int j = 1; j <= 9; j++)
			printf("%d x %d = %d\n", i, j, i * j);
	return 0;
}

/* 2: one number per 10 ticks (100 ms) of the timer. */
static int counter(void)
{
	for (int i = 0; i <= 9; i++) {
		if (i > 0)
			sleep(10);
		printf("%d\n", i);
	}
	return 0;
}

/* 3 */
static int echo(void)
{
	char line[LINE];
	printf("Type lines to echo; quit ends.\n");
	for (;;) {
		printf("echo> ");
		if (readline(line, sizeof(line)) < 0 || strcmp(line, "quit") == 0)
			break;
		printf("%s\n", line);
	}
	printf("\n");
	return 0;
}

/* 4 */
static int fibonacci(void)
{
	unsigned a = 0, b = 1;
	for (int i = 0; i < 15; i++) {
		printf("%u\n", a);
		unsigned next = a + b;
		a = b;
		b = next;
	}
	return 0;
}

/* 5: trial division by the primes found so far. */
static int primes(void)
{
	int found[100], count = 0;
	for (int n = 2; n <= 100; n++) {
		int prime = 1;
		for (int i = 0; i < count && found[i] * found[i] <= n; i++)
			if (n % found[i] == 0)
				prime = 0;
		if (prime) {
			found[count++] = n;
			printf(count % 10 == 1 ? "%d" : " %d", n);
			if (count % 10 == 0)
				printf("\n");
		}
	}
	printf("\n%d primes up to 100\n", count);
	return 0;
}

/* 6: a op b on signed 32-bit integers; every result checked. */
static int is_operator(char c)
{
	return c == '+' || c == '-' || c == '*' || c == '/' || c == '%';
}

/* Parses "a op b": 1; 0 if malformed; -1 if a number is out of range. */
static int parse_expression(const char *s, int *a, char *op, int *b)
{
	int ok = scan_int(&s, a);
	if (ok != 1)
		return ok;
	s = skip_spaces(s);
	*op = *s++;
	if (!is_operator(*op))
		return 0;
	ok = scan_int(&s, b);
	if (ok != 1)
		return ok;
	return *skip_spaces(s) == '\0';
}

static void calculate(const char *line)
{
	int a = 0, b = 0, r = 0, overflow = 0;
	char op = 0;
	int ok = parse_expression(line, &a, &op, &b);

	if (ok < 0) {
		printf("Error: number out of range (-2147483648 to 2147483647)\n");
		return;
	}
	if (ok == 0) {
		printf("Error: malformed input; expected: a op b (op: + - * / %%), e.g. 30 / 5\n");
		return;
	}
	switch (op) {
	case '+': overflow = __builtin_add_overflow(a, b, &r); break;
	case '-': overflow = __builtin_sub_overflow(a, b, &r); break;
	case '*': overflow = __builtin_mul_overflow(a, b, &r); break;
	default:	/* '/' and '%' */
		if (b == 0) {
			printf("Error: division by zero\n");
			return;
		}
		if (a == -2147483647 - 1 && b == -1)	/* the CPU would fault */
			overflow = op == '/';		/* and the remainder is 0 */
		else
			r = op == '/' ? a / b : a % b;
	}
	if (overflow)
		printf("Error: overflow: %d %c %d does not fit in 32 bits\n", a, op, b);
	else
		printf("%d %c %d = %d\n", a, op, b, r);
}

static int calculator(void)
{
	char line[LINE];
	printf("Type a op b (op: + - * / %%); quit ends.\n");
	for (;;) {
		printf("calc> ");
		if (readline(line, sizeof(line)) < 0 || strcmp(line, "quit") == 0)
			break;
		calculate(line);
	}
	printf("\n");
	return 0;
}

/* 7: 12! is the largest that fits in 32 bits. */
static int factorial(void)
{
	unsigned f = 1;
	for (unsigned n = 0; n <= 12; n++) {
		if (n > 0)
			f *= n;
		printf("%u! = %u\n", n, f);
	}
	return 0;
}

/* 8: Euclid's algorithm, step by step. */
static int gcd(void)
{
	char line[LINE];
	const char *s = line;
	int a, b;

	printf("Two positive whole numbers: ");
	if (readline(line, sizeof(line)) < 0) {
		printf("\n");
		return 0;
	}
	if (scan_int(&s, &a) != 1 || scan_int(&s, &b) != 1 ||
	    *skip_spaces(s) != '\0' || a <= 0 || b <= 0) {
		printf("Error: expected two whole numbers from 1 to 2147483647, e.g. 48 18\n");
		return 1;
	}
	int x = a, y = b;
	while (y != 0) {
		printf("%d = %d x %d + %d\n", x, x / y, y, x % y);
		int r = x % y;
		x = y;
		y = r;
	}
	printf("gcd(%d, %d) = %d\n", a, b, x);
	return 0;
}

/* 9: the text comes from the tar archive inside the kernel. */
static int about(void)
{
	static char text[2048];
	int n = readfile("about.txt", text, sizeof(text) - 1);
	if (n < 0) {
		printf("Error: no about.txt in the archive\n");
		return 1;
	}
	text[n < (int)sizeof(text) - 1 ? n : (int)sizeof(text) - 1] = '\0';
	printf("%s", text);
	return 0;
}

/* s: never yields, never ends. */
static int spinner(void)
{
	for (volatile unsigned n = 0;; n++)
		;
	return 0;
}

int fault_program(void);	/* start.S */

static const struct {
	char key;
	int shown;		/* in the menu; the others are for the tests */
	const char *title;
	int (*program)(void);
} programs[] = {
	{ '1', 1, "Multiplication table", multiplication },
	{ '2', 1, "Counter", counter },
	{ '3', 1, "Echo", echo },
	{ '4', 1, "Fibonacci", fibonacci },
	{ '5', 1, "Prime numbers", primes },
	{ '6', 1, "Calculator", calculator },
	{ '7', 1, "Factorial", factorial },
	{ '8', 1, "GCD", gcd },
	{ '9', 1, "About 1K OS", about },
	{ 'f', 0, "A program that faults", fault_program },
	{ 's', 0, "Spinner", spinner },
};
#define NPROGRAMS (int)(sizeof(programs) / sizeof(programs[0]))

static void menu(void)
{
	printf("\n");
	for (int i = 0; i < NPROGRAMS; i++)
		if (programs[i].shown)
			printf("  %c. %s\n", programs[i].key, programs[i].title);
	printf("  0. Exit\nSelect: ");
}

int main(void)
{
	char line[LINE];

	printf("\n*** Welcome to 1K OS ***\n");
	for (;;) {
		menu();
		if (readline(line, sizeof(line)) < 0) {
			printf("\nEnd of input: shutting down.\n");
			return 0;
		}
		if (strcmp(line, "0") == 0) {
			printf("\nGoodbye.\n");
			return 0;
		}
		int i = 0;
		while (i < NPROGRAMS && !(line[0] == programs[i].key && line[1] == '\0'))
			i++;
		if (i == NPROGRAMS) {
			printf("\nUnknown choice \"%s\": enter a number from 0 to 9.\n", line);
			continue;
		}
		printf("\n--- %s ---\n", programs[i].title);
		int pid = spawn(programs[i].program);
		if (pid < 0)
			printf("Error: no room for another process\n");
		else if (programs[i].program == spinner)
			printf("Spinner started in the background as process %d; "
			       "it never yields, the timer preempts it.\n", pid);
		else
			wait(pid);
	}
}
