import HDL
import Synchronization

/// Prime factors of 2^n − 1, the order of GF(2^n)*: what decides whether a
/// polynomial of degree n is primitive.
///
/// 2^d − 1 divides 2^n − 1 for every d dividing n, so the primes of the
/// smaller ones are divided out first and only the remaining (primitive)
/// part needs Pollard's rho; for n ≤ 128 its factors are small enough.
public enum MersenneFactors {
    // Shared by every caller; tests run in parallel, so it sits behind a lock.
    static let cache = Mutex<[Int: [BigValue]]>([:])

    /// The distinct primes dividing 2^n − 1, ascending.
    public static func primes(_ n: Int) -> [BigValue] {
        if let c = cache.withLock({ $0[n] }) { return c }
        var primes = Set<BigValue>()
        var rest = BigValue.pow2(n) - .one
        for d in 1..<n where n % d == 0 {
            for q in MersenneFactors.primes(d) {
                primes.insert(q)
                while rest.mod(q).isZero { rest = rest.dividedExactly(by: q) }
            }
        }
        for q in factor(rest) { primes.insert(q) }
        let out = primes.sorted()
        cache.withLock { $0[n] = out }
        return out
    }

    /// The distinct prime factors of m (trial division, then rho).
    static func factor(_ m: BigValue) -> [BigValue] {
        var m = m
        var out: [BigValue] = []
        for p in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
            let bp = BigValue(p)
            if m.mod(bp).isZero { out.append(bp) }
            while m.mod(bp).isZero { m = m.dividedExactly(by: bp) }
        }
        var work = m > .one ? [m] : []
        while let x = work.popLast() {
            if x.isProbablePrime { out.append(x); continue }
            let d = rho(x)
            work.append(d)
            work.append(x.dividedExactly(by: d))
        }
        return Array(Set(out)).sorted()
    }

    /// A non-trivial factor of the composite m (Pollard's rho, Brent's
    /// cycle finding with gcds batched over 128 steps).
    static func rho(_ m: BigValue) -> BigValue {
        var c = BigValue.one
        while true {
            func f(_ v: BigValue) -> BigValue { (v * v + c).mod(m) }
            var y = BigValue(2), x = y, ys = y
            var r = 1, q = BigValue.one, g = BigValue.one
            while g == .one {
                x = y
                for _ in 0..<r { y = f(y) }
                var k = 0
                while k < r && g == .one {
                    ys = y
                    for _ in 0..<min(128, r - k) {
                        y = f(y)
                        q = (q * (x - y)).mod(m)
                    }
                    g = q.gcd(m)
                    k += 128
                }
                r *= 2
            }
            if g == m {
                // The batch overshot: step back one at a time.
                repeat {
                    ys = f(ys)
                    g = (x - ys).mod(m).gcd(m)
                } while g == .one
            }
            if g != m { return g }
            c = c + .one   // the walk cycled without a factor: new constant
        }
    }
}
