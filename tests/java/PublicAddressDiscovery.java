package hztrio.test;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.config.properties.PropertyTypeConverter;
import com.hazelcast.config.properties.SimplePropertyDefinition;
import com.hazelcast.logging.ILogger;
import com.hazelcast.spi.discovery.AbstractDiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryNode;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryStrategyFactory;
import com.hazelcast.spi.discovery.SimpleDiscoveryNode;
import java.io.File;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A Discovery SPI strategy for the use_public_ip tests (tests/cluster/test_public_ip.py): it
 * reports every member of the cluster with a private and a public address, so that each member
 * adds its public address to its address map as the client endpoint {@code CLIENT "public"},
 * which the cluster view then tells the clients.
 *
 * <p>The members are the {@code <member>} entries of the {@code <tcp-ip>} element of the member's
 * own XML config (the file the {@code hazelcast.config} system property names; the hztrio test
 * harness keeps that list there, disabled, when it configures discovery strategies). For an
 * entry {@code host:port} the private address is {@code host:port} and the public address is
 * {@code <public-host>:port}, where {@code public-host} is a property of the strategy,
 * {@code localhost} by default: the same member under another host name, so a test can tell which
 * of the two a client dialed. The file is read again on every discovery, so a restarted member
 * sees the list its config was rewritten with.
 *
 * <p>Enable it with {@code <discovery-strategy class="hztrio.test.PublicAddressDiscovery"/>}, the
 * member property {@code hazelcast.discovery.enabled=true}, tcp-ip disabled, and the resource
 * {@code META-INF/services/com.hazelcast.spi.discovery.DiscoveryStrategyFactory} (naming
 * {@code hztrio.test.PublicAddressDiscovery$Factory}) on the member classpath.
 */
public class PublicAddressDiscovery extends AbstractDiscoveryStrategy {
    static final String CONFIG_PROPERTY = "hazelcast.config";

    static final PropertyDefinition PUBLIC_HOST =
            new SimplePropertyDefinition("public-host", true, PropertyTypeConverter.STRING);

    private final String publicHost;

    public PublicAddressDiscovery(ILogger logger, Map<String, Comparable> properties) {
        super(logger, properties);
        publicHost = getOrDefault(PUBLIC_HOST, "localhost");
    }

    @Override
    public Iterable<DiscoveryNode> discoverNodes() {
        String configPath = System.getProperty(CONFIG_PROPERTY);
        if (configPath == null || configPath.isEmpty()) {
            getLogger().warning("PublicAddressDiscovery: no " + CONFIG_PROPERTY + " system property");
            return Collections.emptyList();
        }
        List<DiscoveryNode> nodes = new ArrayList<>();
        try {
            for (String entry : tcpIpMembers(new File(configPath))) {
                DiscoveryNode node = nodeFor(entry);
                if (node != null) {
                    nodes.add(node);
                }
            }
        } catch (Exception e) {
            getLogger().warning("PublicAddressDiscovery: cannot read " + configPath, e);
            return Collections.emptyList();
        }
        getLogger().fine("PublicAddressDiscovery discovered " + nodes.size() + " members");
        return nodes;
    }

    /** The text of every {@code <member>} element inside a {@code <tcp-ip>} element. */
    private static List<String> tcpIpMembers(File config) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        Document document = builder.parse(config);
        List<String> members = new ArrayList<>();
        NodeList tcpIps = document.getElementsByTagNameNS("*", "tcp-ip");
        for (int i = 0; i < tcpIps.getLength(); i++) {
            NodeList children = tcpIps.item(i).getChildNodes();
            for (int j = 0; j < children.getLength(); j++) {
                Node child = children.item(j);
                if (child instanceof Element && "member".equals(child.getLocalName())) {
                    String text = child.getTextContent().trim();
                    if (!text.isEmpty()) {
                        members.add(text);
                    }
                }
            }
        }
        return members;
    }

    /** {@code host:port} (or {@code [v6]:port}) as a node with a public twin; null if malformed. */
    private DiscoveryNode nodeFor(String entry) throws UnknownHostException {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            getLogger().warning("PublicAddressDiscovery: ignoring member without a port: " + entry);
            return null;
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            getLogger().warning("PublicAddressDiscovery: ignoring member with a bad port: " + entry);
            return null;
        }
        return new SimpleDiscoveryNode(new Address(host, port), new Address(publicHost, port));
    }

    /** Found by the member through ServiceLoader (see the class comment). */
    public static class Factory implements DiscoveryStrategyFactory {
        @Override
        public Class<? extends DiscoveryStrategy> getDiscoveryStrategyType() {
            return PublicAddressDiscovery.class;
        }

        @Override
        public DiscoveryStrategy newDiscoveryStrategy(
                DiscoveryNode discoveryNode, ILogger logger, Map<String, Comparable> properties) {
            return new PublicAddressDiscovery(logger, properties);
        }

        @Override
        public Collection<PropertyDefinition> getConfigurationProperties() {
            return Collections.singletonList(PUBLIC_HOST);
        }
    }
}
