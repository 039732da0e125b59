import Arithmetic
import Blocks
import FFT
import Harness
import HDL
import Circulant
import NN
import Random
import Stochastic
import AQFP
import Sparse
import Parallel

/// Every design the command line knows, in the order `hwgen list` shows
/// them: the only list. A new design is one file in its family and one
/// entry here.
public enum Catalog {
    public static let designs: [AnyDesign] = [
        AnyDesign(PEDesign.self), AnyDesign(RequantDesign.self),
        AnyDesign(FIFODesign.self),
        AnyDesign(LFSRDesign.self), AnyDesign(TauswortheDesign.self), AnyDesign(RLFDesign.self), AnyDesign(WallaceDesign.self), AnyDesign(BinomialDesign.self),
        AnyDesign(VIBNNDesign.self),
        AnyDesign(FFTDesign.self), AnyDesign(CirculantDesign.self), AnyDesign(CircNNDesign.self), AnyDesign(ERNNDesign.self),
        AnyDesign(SCMulDesign.self), AnyDesign(SCNeuronDesign.self), AnyDesign(SCPoolDesign.self),
        AnyDesign(AQFPDesign.self), AnyDesign(SCDNNDesign.self),
        AnyDesign(ADMMDesign.self), AnyDesign(PatDNNDesign.self),
        AnyDesign(AllReduceDesign.self), AnyDesign(ArrayDesign.self), AnyDesign(HopDesign.self),
    ]

    public static func find(_ name: String) throws -> AnyDesign {
        guard let d = designs.first(where: { $0.name == name }) else {
            throw UserError("unknown design '\(name)' (designs: \(designs.map(\.name).joined(separator: ", ")))")
        }
        return d
    }
}
