// The image to prove: the NixOS-style USB hybrid the fixture script makes with xorriso (not made by nixusb).
import java.nio.file.*
def link = basedir.toPath().resolve('image.iso')
Files.deleteIfExists(link)
Files.createSymbolicLink(link, Paths.get(fixtureDir).resolve('nixos-like-isohybrid.iso'))
return true
