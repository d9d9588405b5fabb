// A host whose KVM cannot emulate System Management Mode (nested virtual machines, as CI runners often are), made
// on any machine: the build sees this host root (nixusb.test.hostRoot, relative to the project), whose /dev/kvm is a
// file the user can open, and boots through smm-qemu, which answers the KVM probe as a working KVM, refuses every
// machine asked to start with KVM the way QEMU does without SMM, and runs the host's QEMU for everything else.
import java.nio.file.*
def root = basedir.toPath().resolve('host-root')
root.toFile().deleteDir()
Files.createDirectories(root.resolve('dev'))
Files.write(root.resolve('dev/kvm'), new byte[0])
['usr', 'etc', 'run'].each { Files.createSymbolicLink(root.resolve(it), Paths.get('/' + it)) }
def real = ['/usr/bin/qemu-system-x86_64', '/usr/local/bin/qemu-system-x86_64'].find { new File(it).canExecute() }
assert real : 'qemu-system-x86_64 is not installed'
def calls = new File(basedir, 'qemu-calls.txt')
calls.delete()
def wrapper = new File(basedir, 'smm-qemu')
wrapper.text = """#!/bin/sh
echo "\$*" >> '${calls}'
case " \$* " in
  *" -accel kvm "*"-S "*) exec sleep 10 ;;
  *" -accel kvm "*) echo 'qemu-system-x86_64: System Management Mode not supported by this hypervisor.' >&2; exit 1 ;;
esac
exec ${real} "\$@"
"""
wrapper.setExecutable(true)
return true
