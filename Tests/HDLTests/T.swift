import Testing
@testable import HDL
